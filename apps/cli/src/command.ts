/** One option of a command: its parseArgs type, and the help text (with its default). */
export interface CommandOption {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
}

/** One `pabnn <name>` subcommand: its options (node:util parseArgs), help, and action. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Paragraphs for `pabnn <name> --help`, after the usage. */
  details?: string;
  options: Record<string, CommandOption>;
  /** Example command lines for `--help`. */
  examples: string[];
  run(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number>;
}

/** `pabnn <name> --help`: summary, usage, details, every option with its default, examples. */
export function commandHelp(command: Command): string {
  const options = {
    ...command.options,
    verbose: { type: 'boolean', description: 'on an error, print the stack too' },
    help: { type: 'boolean', short: 'h', description: 'this help' },
  } as Record<string, CommandOption>;
  const flag = (name: string, o: CommandOption) =>
    `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ' <value>' : ''}`;
  const width = Math.max(...Object.entries(options).map(([n, o]) => flag(n, o).length));
  return [
    `${command.summary}`,
    '',
    `usage: ${command.usage}`,
    ...(command.details ? ['', command.details] : []),
    '',
    'options:',
    ...Object.entries(options).map(([n, o]) => `  ${flag(n, o).padEnd(width)}  ${o.description}`),
    '',
    'examples:',
    ...command.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}
