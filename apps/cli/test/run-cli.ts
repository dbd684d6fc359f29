// The CLI as users run it, for the tests: the built `pabnn` in a child process, with its output
// and exit code (0 done, 1 bad data, 2 bad usage) instead of a thrown error.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `pabnn <args>` with extra environment variables. */
export async function pabnnWith(
  env: Record<string, string>,
  ...args: string[]
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [cli, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as CliResult;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Runs `pabnn <args>`. */
export function pabnn(...args: string[]): Promise<CliResult> {
  return pabnnWith({}, ...args);
}
