#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import '@pabnn/backend-webgpu';
import { type Command, commandHelp } from './command.js';
import { allocate } from './commands/allocate.js';
import { bench } from './commands/bench.js';
import { evalCommand } from './commands/eval.js';
import { info } from './commands/info.js';
import { quantize } from './commands/quantize.js';
import { run } from './commands/run.js';
import { UsageError } from './errors.js';

const COMMANDS: Command[] = [quantize, run, evalCommand, bench, info, allocate];

/** The version of this CLI, from its package.json (next to dist/). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

function help(): string {
  return `pabnn ${version()}: binary CNNs with Piecewise Approximation\n\nusage: pabnn <command> [options]   (pabnn <command> --help for details)\n       pabnn --version\n\n${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}\n\nexit codes: 0 done, 1 the work failed (bad model, bad data), 2 bad usage\n`;
}

/** Exit code: 0 done, 1 failed, 2 usage. Errors are one line unless --verbose. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  const verbose = rest.includes('--verbose');
  try {
    if (!command) throw new UsageError(`unknown command '${name}'`);
    const { positionals, values } = parseArgs({
      args: rest,
      options: {
        ...Object.fromEntries(
          Object.entries(command.options).map(([key, o]) => [
            key,
            o.short ? { type: o.type, short: o.short } : { type: o.type },
          ]),
        ),
        help: { type: 'boolean', short: 'h' },
        verbose: { type: 'boolean' },
      },
      allowPositionals: true,
    });
    if (values.help) {
      process.stdout.write(commandHelp(command));
      return 0;
    }
    return await command.run(positionals, values as Record<string, string | boolean | undefined>);
  } catch (error) {
    const usage =
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    // one line, whatever the error's message holds; --verbose adds the stack
    const message = String((error as Error)?.message ?? error).replace(/\s*\n\s*/g, ' ');
    process.stderr.write(`pabnn ${name}: ${message}\n`);
    if (verbose) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    if (usage) process.stderr.write(command ? `usage: ${command.usage}\n` : help());
    return usage ? 2 : 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
