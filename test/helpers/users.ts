import { randomBytes } from 'node:crypto';
import * as argon2 from 'argon2';
import request from 'supertest';
import { sql } from './db.js';

export interface TestUser {
  id: string;
  email: string;
  username: string;
  password: string;
  role: string;
  groups: string[];
}

let counter = 0;

/** Inserts a verified, active user straight into the database. */
export async function createUser(
  opts: { role?: 'user' | 'researcher' | 'admin'; groups?: string[]; name?: string } = {},
): Promise<TestUser> {
  counter += 1;
  // Unique across the test files of one Jest process too (same pid, each file counts from 1), whether or not a
  // file empties the tables first.
  const username = opts.name ?? `user${process.pid}x${counter}${randomBytes(3).toString('hex')}`;
  const email = `${username}@example.org`;
  const password = 'correct-horse-battery';
  const [row] = await sql<{ id: string }>(
    `INSERT INTO users (email, username, password_hash, role, groups, email_verified) VALUES ($1, $2, $3, $4, $5, true) RETURNING id`,
    [
      email,
      username,
      await argon2.hash(password, { type: argon2.argon2id }),
      opts.role ?? 'user',
      opts.groups ?? [],
    ],
  );
  return { id: row.id, email, username, password, role: opts.role ?? 'user', groups: opts.groups ?? [] };
}

/** Signs in through the API and returns the bearer access token. */
export async function tokenFor(baseUrl: string, user: TestUser): Promise<string> {
  const res = await request(baseUrl)
    .post('/api/v1/auth/login')
    .send({ email: user.email, password: user.password })
    .expect(200);
  return (res.body as { access_token: string }).access_token;
}

/** A user of the given kind and its token, in one call. */
export async function signedIn(
  baseUrl: string,
  opts: Parameters<typeof createUser>[0] = {},
): Promise<{ user: TestUser; token: string }> {
  const user = await createUser(opts);
  return { user, token: await tokenFor(baseUrl, user) };
}
