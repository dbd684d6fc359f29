import type { ParseArgsConfig } from 'node:util';

/** One `pabnn <name>` subcommand: its options (node:util parseArgs), help, and action. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number>;
}
