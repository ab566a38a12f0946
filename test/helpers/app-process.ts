import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';

export interface AppProcess {
  url: string;
  port: number;
  /** Everything the process printed, for assertions on logs. */
  output(): string;
  /** SIGTERM and wait: a graceful shutdown. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

let started = 0;

/**
 * MQTT settings that keep every app a test starts out of every other process's way on the shared broker: its own
 * consumer client id (two processes with one id kick each other off in a loop), a share group of this test process
 * (no other process takes its messages) and a short-lived session. Suites that test those settings pass their own.
 */
export function isolatedMqttEnv(): Record<string, string> {
  started += 1;
  return {
    SENSORS_REPLICA_ID: `test${process.pid}n${started}${randomBytes(2).toString('hex')}`,
    SENSORS_MQTT_SHARE_GROUP: `test${process.pid}`,
    SENSORS_MQTT_SESSION_EXPIRY_SECONDS: '60',
  };
}

/**
 * Starts the built application (`dist/main.js`) as its own process, the way it runs in production, and waits until
 * `/health` (readiness: database, Redis, the consumer subscribed) answers 200, or `until` for an app that is not
 * meant to become ready (`/health/live` when a service it needs is down). The tests then talk to it over HTTP, MQTT
 * and Socket.IO only.
 */
export async function startApp(
  env: Record<string, string | undefined> = {},
  { entry = 'dist/main.js', until = '/health' }: { entry?: string; until?: string } = {},
): Promise<AppProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [entry], {
    env: { ...process.env, ...isolatedMqttEnv(), ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`App exited with ${child.exitCode} while starting:\n${output}`);
    try {
      const res = await fetch(`${url}${until}`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`App did not answer 200 on ${until} in 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }

  return {
    url,
    port,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
