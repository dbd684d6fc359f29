export * from './errors.js';
export * from './registry.js';
export * from './tensors.js';
export type * from './types.js';
