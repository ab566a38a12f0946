import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './app-process.js';

/**
 * A Mosquitto of the test's own (never the shared one) on a free port, with persistence in a temporary directory
 * as docker/mosquitto.conf has it, which the test can stop (gracefully: sessions saved, or killed: what was not
 * autosaved is lost) and start again on the same port. Mosquitto 2.0 restores a saved session without its shared
 * subscriptions (`session present: true`, yet nothing is delivered until the client subscribes again).
 */
export class OwnMosquitto {
  private child?: ChildProcess;
  output = '';

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<OwnMosquitto> {
    const dir = await mkdtemp(join(tmpdir(), 'terrawatch-mosquitto-'));
    // Started as root, Mosquitto drops to its own user: without a directory it can write, it persists nothing.
    if (process.getuid?.() === 0) {
      const id = (flag: string) =>
        promisify(execFile)('id', [flag, 'mosquitto']).then((r) => Number(r.stdout));
      await chown(dir, await id('-u'), await id('-g')).catch(() => undefined);
    }
    const broker = new OwnMosquitto(dir, await freePort());
    await writeFile(
      join(dir, 'mosquitto.conf'),
      [
        `listener ${broker.port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence true',
        `persistence_location ${dir}/`,
        'autosave_interval 60',
        'max_queued_messages 3000000',
        'max_queued_bytes 1073741824',
        'max_inflight_messages 1000',
        'sys_interval 2',
        '',
      ].join('\n'),
    );
    await broker.up();
    return broker;
  }

  /** Starts the broker (loading what it persisted) and waits until it accepts connections. */
  async up(): Promise<void> {
    if (this.child) return;
    const child = spawn('mosquitto', ['-c', join(this.dir, 'mosquitto.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (!(await this.accepts())) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`Mosquitto did not start on ${this.port}:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** `SIGTERM`: a restart by an operator (sessions and queued messages saved); `SIGKILL`: a crash. */
  async down(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    child.kill(signal);
    await once(child, 'exit');
  }

  async destroy(): Promise<void> {
    await this.down('SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }

  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const probe = connect(this.port, '127.0.0.1', () => {
        probe.end();
        resolve(true);
      });
      probe.on('error', () => resolve(false));
    });
  }
}
