// A user app's own Vite, run as its CLI (`npx vite`, `npx vite preview`): the bin of the copy
// npm installed in the app, on a free port of 127.0.0.1, ready once it answers HTTP.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { userEnv } from './packed-app.js';

export interface ViteServer {
  url: string;
  /** What the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** The path of the app's installed Vite CLI, from its package.json's bin. */
export function viteBin(app: string): string {
  const dir = join(app, 'node_modules/vite');
  const { bin } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return join(dir, typeof bin === 'string' ? bin : bin.vite);
}

/** A port nothing listens on now (the OS picks it; Vite then binds it with --strictPort). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `vite ...args` in `app` (no args: the dev server) and waits until it serves `/`. */
export async function startVite(app: string, args: string[]): Promise<ViteServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [viteBin(app), ...args, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: app, env: { ...userEnv, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (chunk) => {
    log += chunk;
  });
  child.stderr.on('data', (chunk) => {
    log += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite ${args.join(' ')} exited early:\n${log}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, output: () => log, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`vite ${args.join(' ')} did not answer at ${url} within 60 s:\n${log}`);
    }
    await sleep(100);
  }
}
