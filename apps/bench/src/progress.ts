/** A one-line progress bar on stderr (a plain line per step when stderr is not a terminal). */
export function progress(label: string, total: number) {
  let done = 0;
  const started = performance.now();
  const tty = process.stderr.isTTY;
  return {
    tick(detail = '') {
      done++;
      const width = 24;
      const filled = Math.round((done / total) * width);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      const text = `${label} [${bar}] ${done}/${total} ${secs}s ${detail}`;
      if (tty)
        process.stderr.write(`\r${text.padEnd(100).slice(0, 100)}${done === total ? '\n' : ''}`);
      else if (done === total || done % Math.max(1, Math.floor(total / 10)) === 0)
        process.stderr.write(`${text}\n`);
    },
  };
}
