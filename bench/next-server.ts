// Starts `next start` on a free port for a benchmark and stops it again, whatever happens.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { BenchError, freePort } from './util.ts';

export interface NextServer {
  origin: string;
  stop(): Promise<void>;
}

/**
 * Runs the production build in .next with `next start -H 127.0.0.1 -p <free port>` (never port 3000, where a
 * developer's own server may be running) and resolves once `/` answers 200. The server runs in its own
 * process group so that stop() ends it and anything it started.
 */
export async function startNextServer(root: string, { timeoutMs = 90_000 } = {}): Promise<NextServer> {
  const nextBin = createRequire(`${root}/package.json`).resolve('next/dist/bin/next');
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  child.once('error', (error) => {
    output += `\n${error.message}`;
  });

  // Last resort if this process dies without running stop() (an uncaught error, a closed stdout): 'exit'
  // handlers run synchronously, so kill the whole group at once.
  const killOnExit = () => {
    try {
      if (child.pid !== undefined && exited === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.on('exit', killOnExit);
  const server: NextServer = {
    origin,
    stop: async () => {
      await stopGroup(child, exit, () => exited !== null);
      process.off('exit', killOnExit);
    },
  };
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) {
        const { code, signal } = exited as { code: number | null; signal: NodeJS.Signals | null };
        throw new BenchError(`next start exited early (code ${code}, signal ${signal}):\n${output}`);
      }
      if (Date.now() > deadline)
        throw new BenchError(`next start did not answer on ${origin} within ${timeoutMs / 1000} s:\n${output}`);
      try {
        const response = await fetch(`${origin}/`, { signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        if (response.ok) return server;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function stopGroup(child: ChildProcess, exit: Promise<void>, hasExited: () => boolean): Promise<void> {
  if (child.pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal); // the whole group: next start and any worker it forked
    } catch {
      // already gone
    }
  };
  if (!hasExited()) {
    signalGroup('SIGTERM');
    const ended = await Promise.race([
      exit.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref()),
    ]);
    if (ended) {
      signalGroup('SIGKILL'); // children that outlived their parent, if any
      return;
    }
  }
  signalGroup('SIGKILL');
  await Promise.race([exit, new Promise((r) => setTimeout(r, 2000).unref())]);
}
