// Runs the ```ts code blocks of a README as a test, so the examples users copy are known to
// work. Imports of workspace packages are pointed at the package's sources.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The ```ts blocks of a markdown file, in order. */
export function readmeExamples(readmePath) {
  const text = readFileSync(readmePath, 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/**
 * Writes one example to a temporary .ts file with `from '<pkg>'` rewritten by `aliases`
 * (package name -> absolute path) and imports it; returns the module's exports.
 */
export async function runExample(code, aliases) {
  let source = code;
  for (const [name, path] of Object.entries(aliases)) {
    const url = pathToFileURL(path).href;
    source = source
      .replaceAll(`from '${name}'`, `from '${url}'`)
      .replaceAll(`import '${name}'`, `import '${url}'`);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'pabnn-readme-')), 'example.ts');
  writeFileSync(file, source);
  return import(/* @vite-ignore */ pathToFileURL(file).href);
}
