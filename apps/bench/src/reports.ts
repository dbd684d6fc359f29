import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's reports/ folder (override with PABNN_REPORTS_DIR). */
export function reportsDir(): string {
  // the environment first: a bundled copy (GPU machines) resolves its module URL to .gpu/, not the repository
  const dir =
    process.env.PABNN_REPORTS_DIR ??
    resolve(dirname(fileURLToPath(import.meta.url)), '../../../reports');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeReport(name: string, content: string | object): string {
  const path = join(reportsDir(), name);
  writeFileSync(
    path,
    typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`,
  );
  return path;
}

/** A Markdown table from rows of cells. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
