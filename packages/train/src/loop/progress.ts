import type { Progress } from './fit.js';

/**
 * A one-line progress bar on stderr (redrawn in place on a terminal, one line per 10 % of an
 * epoch otherwise): epoch, batch, loss, accuracy, images/s, learning rate.
 */
export function consoleProgress(label = 'train'): (p: Progress) => void {
  const tty = Boolean(process.stderr.isTTY);
  let lastTenth = -1;
  return (p) => {
    const done = p.batch / p.batches;
    const bar = '#'.repeat(Math.round(done * 20)).padEnd(20, '.');
    const line =
      `${label} epoch ${p.epoch}/${p.epochs} [${bar}] ${p.batch}/${p.batches} ` +
      `loss ${p.loss.toFixed(4)} acc ${(p.accuracy * 100).toFixed(1)}% ` +
      `${p.imagesPerSecond.toFixed(0)} img/s lr ${p.learningRate.toExponential(1)}`;
    if (tty) {
      process.stderr.write(`\r${line}${p.batch === p.batches ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor(done * 10);
    if (tenth !== lastTenth || p.batch === p.batches) {
      lastTenth = tenth;
      process.stderr.write(`${line}\n`);
    }
  };
}
