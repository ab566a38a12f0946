import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Reverts migrations, newest first, until `name` has been reverted, with the built data source (as
 * `npm run migration:revert` does). A suite that tests one migration's `down` keeps working when newer migrations
 * are added. Returns the names reverted, newest first.
 */
export async function revertThrough(name: string): Promise<string[]> {
  const reverted: string[] = [];
  for (;;) {
    const { stdout } = await run(process.execPath, [
      'node_modules/typeorm/cli.js',
      'migration:revert',
      '-d',
      'dist/src/database/data-source.js',
    ]);
    const done = /Migration (\S+) has been reverted/.exec(stdout)?.[1];
    if (!done) throw new Error(`${name} was never reverted (reverted: ${reverted.join(', ')}):\n${stdout}`);
    reverted.push(done);
    if (done === name) return reverted;
  }
}

/** Applies every pending migration with the built CLI, as a deployment does. */
export async function migrate(): Promise<void> {
  await run(process.execPath, ['dist/cli.js', 'migrate']);
}
