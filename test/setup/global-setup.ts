import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';
import './env.cjs';

/**
 * Runs once before the e2e suites: refuses any database whose name lacks "test" (the suites truncate every table),
 * then applies the migrations with the built CLI, exactly as a deployment does.
 */
export default async function globalSetup(): Promise<void> {
  const url = new URL(process.env.DATABASE_URL as string);
  const database = url.pathname.replace(/^\//, '');
  if (!database.includes('test')) {
    throw new Error(`Refusing to run e2e tests against database "${database}": its name must contain "test"`);
  }
  if (!existsSync('dist/cli.js'))
    throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
  const admin = new pg.Client({ connectionString: url.toString().replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  execFileSync(process.execPath, ['dist/cli.js', 'migrate'], { stdio: 'inherit', env: process.env });
}
