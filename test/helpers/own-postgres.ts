import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './app-process.js';

const run = promisify(execFile);
const BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const DATABASE = 'terrawatch_test';

/**
 * A PostgreSQL server of the test's own (never the shared one), in a temporary directory on a free port, which the
 * test can stop, start and restart as an operator or a crash would. initdb and the server refuse to run as root,
 * so both run as the `postgres` OS user (`runuser`) when the tests run as root. PostGIS is installed system-wide,
 * so the migrations run on it as on the shared server.
 */
export class OwnPostgres {
  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** postgres://postgres@127.0.0.1:<port>/terrawatch_test */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${DATABASE}`;
  }

  /** initdb, start, create the database and apply every migration with the built CLI, as a deployment does. */
  static async start(): Promise<OwnPostgres> {
    const dir = await mkdtemp(join(tmpdir(), 'terrawatch-pg-'));
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const server = new OwnPostgres(dir, await freePort());
    await server.pg('initdb', [
      '-D',
      server.dataDir,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    await server.up();
    const admin = new pg.Client({ connectionString: server.url.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${DATABASE}`);
    await admin.end();
    await run(process.execPath, ['dist/cli.js', 'migrate'], {
      env: { ...process.env, DATABASE_URL: server.url },
    });
    return server;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private async pg(tool: string, args: string[]): Promise<string> {
    const command = join(BIN, tool);
    const { stdout } =
      process.getuid?.() === 0
        ? await run('runuser', ['-u', 'postgres', '--', command, ...args])
        : await run(command, args);
    return stdout;
  }

  /** Starts the server and waits until it accepts connections. */
  async up(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
    await this.pg('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'log'),
      '-o',
      options,
      '-w',
      '-t',
      '60',
      'start',
    ]);
  }

  /**
   * Stops the server: `fast` disconnects every client and shuts down cleanly (a restart by an operator),
   * `immediate` is a crash (recovery from the WAL at the next start).
   */
  async down(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']);
  }

  /** Stops the server for good and removes its directory. */
  async destroy(): Promise<void> {
    await this.down('immediate').catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}
