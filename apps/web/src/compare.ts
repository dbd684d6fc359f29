// The chosen binarized model beside the float model of the same architecture and dataset: file
// size, test-set top-1, latency on this device and backend, and the prediction for the same
// image, which is what PA is for (smaller, about as accurate; README "Results").
import type { ModelEntry } from './catalog.js';
import type { Classification } from './classify.js';

export interface CompareRow {
  entry: ModelEntry;
  result: Classification;
}

/** The float model with the chosen one's dataset and architecture, if it is shipped. */
export function floatCounterpart(models: ModelEntry[], entry: ModelEntry): ModelEntry | undefined {
  return models.find(
    (m) => m.dataset === entry.dataset && m.model === entry.model && m.scheme === 'float',
  );
}

const cell = (text: string) => {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
};

/** Fills `table` with one row per model; an empty list clears it. */
export function renderComparison(table: HTMLTableElement, rows: CompareRow[]): void {
  table.replaceChildren();
  if (rows.length === 0) return;
  const head = document.createElement('tr');
  for (const h of ['model', 'file size', 'test top-1', 'latency here', 'prediction'])
    head.append(Object.assign(document.createElement('th'), { textContent: h }));
  table.append(head);
  for (const { entry, result } of rows) {
    const tr = document.createElement('tr');
    const best = result.top5[0];
    Object.assign(tr.dataset, {
      scheme: entry.scheme,
      bytes: String(entry.bytes),
      ms: String(result.ms),
      class: String(best.classIndex),
    });
    tr.append(
      cell(`${entry.model} ${entry.scheme}`),
      cell(`${(entry.bytes / 1024).toFixed(0)} KB`),
      cell(entry.top1 === undefined ? '?' : `${(100 * entry.top1).toFixed(1)} %`),
      cell(`${result.ms.toFixed(2)} ms`),
      cell(`${best.label} (${(100 * best.score).toFixed(1)} %)`),
    );
    table.append(tr);
  }
}
