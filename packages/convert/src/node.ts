// The Node entry of @pabnn/convert: everything of the browser entry (index.ts) plus what reads
// files. package.json maps the `node` export condition here, so `import '@pabnn/convert'` in
// Node gets it and browser bundles never see node:fs (the package README says how).
export * from './index.js';
export { readTfjsModel } from './tfjs/read-model.js';
