/**
 * The real server as a child process (`node --import tsx src/server/main.ts`), so a soak can kill it with
 * SIGKILL mid-write and start it again on the same data, as a crash or an OOM kill would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcessOptions {
  /** PGlite lives in DATA_DIR/pglite; ignored when databaseUrl is set. */
  dataDir: string;
  databaseUrl?: string;
  databaseSchema?: string;
  /** Appended to by every process started; a soak checks it for personal data. */
  output: string[];
  startTimeoutMs?: number;
  /** More environment for the server (e.g. MIN_FREE_MB); a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  /**
   * A command the server runs under, e.g. ['strace', '-f', '-o', FILE]: it is started as
   * `PREFIX… node --import tsx src/server/main.ts`, and signals go to the server itself, not to the wrapper.
   */
  commandPrefix?: string[];
}

export interface ServerProcess {
  url: string;
  /** The server's own process (not the command prefix's). */
  pid: number;
  /** Resolves when the process (and its command prefix) has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: no shutdown hook runs, PGlite is not closed. */
  kill(): Promise<void>;
  /** SIGTERM: the server closes its database cleanly. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The only child of a wrapper process (strace forks the command it runs), from /proc. */
function onlyChildOf(pid: number): number | null {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return children.length === 1 ? children[0]! : null;
  } catch {
    return null;
  }
}

export async function startServerProcess({
  dataDir, databaseUrl, databaseSchema, output, startTimeoutMs = 90_000, env: extraEnv = {}, commandPrefix = [],
}: ServerProcessOptions): Promise<ServerProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    // Every device comes through the proxy from 127.0.0.1; the per-IP limit would throttle them as one.
    RATE_LIMIT_PER_MINUTE: '0',
  };
  delete env.DATABASE_URL;
  delete env.DATABASE_SCHEMA;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  if (databaseSchema) env.DATABASE_SCHEMA = databaseSchema;
  for (const [name, value] of Object.entries(extraEnv)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const command = [...commandPrefix, process.execPath, '--import', 'tsx', 'src/server/main.ts'];
  const child = spawn(command[0]!, command.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exitedWith = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  child.stdout!.setEncoding('utf8').on('data', (text: string) => output.push(text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => output.push(text));
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The server exited while starting (code ${child.exitCode}, signal ${child.signalCode}):\n${output.slice(-20).join('')}`);
    }
    try {
      const health = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await health.body?.cancel();
      if (health.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The server did not answer /api/health within ${startTimeoutMs} ms:\n${output.slice(-20).join('')}`);
    }
    await sleep(100);
  }

  // Under a command prefix, signals go to the server: a tracer such as strace -o blocks them for itself.
  const pid = commandPrefix.length ? onlyChildOf(child.pid!) : child.pid!;
  if (pid === null) {
    child.kill('SIGKILL');
    throw new Error(`Could not find the server process under ${commandPrefix[0]} (pid ${child.pid}).`);
  }
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  };

  return {
    url,
    pid,
    exited: exitedWith,
    async kill() {
      signal('SIGKILL');
      // A wrapper exits once the server is gone (strace writes out its last lines first); if not, it goes too.
      if (pid !== child.pid) await Promise.race([exited(child), sleep(5_000).then(() => child.kill('SIGKILL'))]);
      await exited(child);
    },
    async stop() {
      signal('SIGTERM');
      const done = exited(child);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = await Promise.race([done.then(() => false), new Promise<true>((resolve) => { timer = setTimeout(() => resolve(true), 20_000); })]);
      clearTimeout(timer);
      if (late) {
        signal('SIGKILL');
        child.kill('SIGKILL');
        await done;
        throw new Error('The server did not stop within 20 s of SIGTERM.');
      }
    },
  };
}
