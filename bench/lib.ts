import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';

/** Shared helpers of the benchmarks: they run the built app as its own process, as in production. */

// The app refuses to start without a credentials key (Scans); a benchmark's throwaway data needs no fixed one.
process.env.ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The app's V8 flags in production (package.json `start`, scripts/start.sh, docker/entrypoint.sh). V8 lets the old
 * generation grow up to 4 times its live size before a full collection; 1.4 times keeps a 10,000-resource AWS scan
 * under 300 MB (README, Scans). The young generation is V8's own (16 MB semi-spaces on a 64-bit host): the 64 MB
 * semi-spaces once set for ingest cost ~50 MB at idle and put that scan above 400 MB. `BENCH_NODE_ARGS` of
 * bench:ingest tries other flags on the app.
 */
export const APP_NODE_FLAGS = ['--heap-growing-percent=40'];

export interface Started {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startProcess(
  args: string[],
  env: Record<string, string>,
  healthPath = '/health',
): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, [...APP_NODE_FLAGS, ...args], {
    // Its own MQTT consumer id, share group and a short session, so a benchmark never shares a session with (or
    // leaves queued messages for) an app running beside it; benchmarks of ingestion pass their own.
    env: {
      ...process.env,
      SENSORS_REPLICA_ID: `bench${process.pid}${Date.now().toString(36)}`,
      SENSORS_MQTT_SHARE_GROUP: `bench${process.pid}`,
      SENSORS_MQTT_SESSION_EXPIRY_SECONDS: '60',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}${healthPath}`)).ok) break;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        // A process that already died (a crash under load) has nothing left to stop.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function migrate(): void {
  execFileSync(process.execPath, ['dist/cli.js', 'migrate'], { stdio: 'inherit' });
}

/** Peak resident memory of a process (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = execFileSync('cat', [`/proc/${pid}/status`]).toString();
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

export function table(rows: Array<Record<string, string | number>>): void {
  console.table(rows);
}

/** Creates the benchmark's own database when it does not exist yet (the migrations then fill it). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}
