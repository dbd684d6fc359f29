import { BENCHMARKS } from './registry.js';

function usage(): string {
  const lines = Object.entries(BENCHMARKS).map(
    ([name, b]) => `  ${name.padEnd(12)} ${b.description}`,
  );
  return `usage: pnpm bench <name>\n\nbenchmarks:\n${lines.join('\n')}\n  ${'all'.padEnd(12)} every benchmark above\n`;
}

async function main(): Promise<number> {
  const [name] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const selected = name === 'all' ? Object.keys(BENCHMARKS) : [name];
  for (const key of selected) {
    const bench = BENCHMARKS[key];
    if (!bench) {
      process.stderr.write(`unknown benchmark '${key}'\n\n${usage()}`);
      return 2;
    }
    await bench.run();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`bench failed: ${error.message}\n`);
    process.exit(1);
  },
);
