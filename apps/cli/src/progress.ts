/** A progress bar on stderr when it is a terminal, otherwise a line every tenth of the way. */
export function progressBar(label: string) {
  const tty = process.stderr.isTTY;
  let shown = -1;
  return (done: number, total: number, detail = '') => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const text = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${detail}`;
    if (tty)
      process.stderr.write(`\r${text.slice(0, 110).padEnd(110)}${done === total ? '\n' : ''}`);
    else if (Math.floor((done / total) * 10) !== shown || done === total) {
      shown = Math.floor((done / total) * 10);
      process.stderr.write(`${text}\n`);
    }
  };
}
