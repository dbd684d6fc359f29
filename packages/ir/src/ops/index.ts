// Importing this module registers every built-in op (one file per op family).
export * from './activation.js';
export * from './conv.js';
export * from './conv-transpose.js';
export * from './dense.js';
export * from './elementwise.js';
export * from './matmul.js';
export * from './normalization.js';
export * from './pooling.js';
export * from './schema.js';
export * from './shape-utils.js';
export * from './transpose.js';
