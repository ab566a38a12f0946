import request from 'supertest';
import { AppProcess, startApp } from '../helpers/app-process.js';
import { closeDb, sql, truncateAll } from '../helpers/db.js';
import { migrate, revertThrough } from '../helpers/migrations.js';
import { flushRedis } from '../helpers/redis.js';

/**
 * The sign-up contract of the cloud-waste backend's clients: `{email, password, full_name}` without a username, which
 * is then derived from the email.
 */
let app: AppProcess;
const PASSWORD = 'analytical-engine';

beforeAll(async () => {
  await truncateAll();
  await flushRedis();
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
  await closeDb();
});

const register = (body: object) => request(app.url).post('/api/v1/auth/register').send(body);

describe('register without a username', () => {
  it('creates the account with the full name and a username from the email', async () => {
    const res = await register({
      email: 'Grace.Hopper+cobol@Example.org',
      password: PASSWORD,
      full_name: '  Grace Brewster Hopper ',
    }).expect(201);
    expect(res.body).toMatchObject({
      email: 'Grace.Hopper+cobol@Example.org',
      username: 'grace.hopper',
      full_name: 'Grace Brewster Hopper',
      role: 'user',
      email_verified: false,
    });
    const [row] = await sql<{ username: string; full_name: string }>(
      `SELECT username, full_name FROM users WHERE id = $1`,
      [res.body.id],
    );
    expect(row).toEqual({ username: 'grace.hopper', full_name: 'Grace Brewster Hopper' });

    // The derived username signs in like a chosen one, and /me shows the full name.
    const login = await request(app.url)
      .post('/api/v1/auth/login')
      .send({ username: 'grace.hopper', password: PASSWORD })
      .expect(200);
    expect(login.body.user.full_name).toBe('Grace Brewster Hopper');
    const me = await request(app.url)
      .get('/api/v1/auth/me')
      .set('Authorization', `Bearer ${login.body.access_token}`)
      .expect(200);
    expect(me.body).toMatchObject({ username: 'grace.hopper', full_name: 'Grace Brewster Hopper' });
    // Other modules serialise users with UserSummaryDto: Species' profile too.
    const profile = await request(app.url)
      .get('/api/v1/auth/profiles/me')
      .set('Authorization', `Bearer ${login.body.access_token}`)
      .expect(200);
    expect(profile.body).toMatchObject({ full_name: 'Grace Brewster Hopper', observation_count: 0 });
  });

  it('gives two emails with the same local part different usernames', async () => {
    const first = await register({
      email: 'sam@one.example',
      password: PASSWORD,
      full_name: 'Sam One',
    }).expect(201);
    const second = await register({
      email: 'sam@two.example',
      password: PASSWORD,
      full_name: 'Sam Two',
    }).expect(201);
    expect(first.body.username).toBe('sam');
    expect(second.body.username).toMatch(/^sam-[a-z0-9]{4}$/);
    // Usernames are unique whatever their case: a chosen "Max" takes "max" from max@...
    await register({ email: 'maxi@example.org', username: 'Max', password: PASSWORD }).expect(201);
    const max = await register({ email: 'max@example.org', password: PASSWORD }).expect(201);
    expect(max.body.username).toMatch(/^max-[a-z0-9]{4}$/);
  });

  it('gives concurrent sign-ups for the same local part one username each', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        register({ email: `kim@race${i}.example`, password: PASSWORD, full_name: `Kim ${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    const usernames = results.map((r) => r.body.username as string);
    expect(new Set(usernames).size).toBe(6);
    expect(usernames).toContain('kim');
    for (const u of usernames) expect(u).toMatch(/^kim(-[a-z0-9]{4})?$/);
  });

  it('makes a valid username of a local part that is too short or has no usable letter', async () => {
    const short = await register({ email: 'al@example.org', password: PASSWORD }).expect(201);
    expect(short.body.username).toMatch(/^al-[a-z0-9]{4}$/);
    const none = await register({ email: '山田@example.jp', password: PASSWORD }).expect(201);
    expect(none.body.username).toMatch(/^user-[a-z0-9]{4}$/);
    expect(none.body.full_name).toBeNull();
  });

  it('still takes a chosen username, and still refuses a taken email', async () => {
    const res = await register({
      email: 'ada@example.org',
      username: 'countess',
      password: PASSWORD,
      full_name: 'Augusta Ada King',
    }).expect(201);
    expect(res.body).toMatchObject({ username: 'countess', full_name: 'Augusta Ada King' });
    await register({ email: 'ADA@example.org', password: PASSWORD, full_name: 'Ada' })
      .expect(409)
      .expect((r) => expect(r.body.code).toBe('EMAIL_TAKEN'));
  });

  it('stores a blank full name as none', async () => {
    const res = await register({ email: 'blank@example.org', password: PASSWORD, full_name: '   ' }).expect(
      201,
    );
    expect(res.body.full_name).toBeNull();
  });
});

describe('bad full names', () => {
  const bad: Array<[string, unknown]> = [
    ['too long', 'x'.repeat(101)],
    ['a NUL byte', 'Ada\u0000Lovelace'],
    ['a line break', 'Ada\nLovelace'],
    ['a number', 42],
    ['an array', ['Ada']],
    ['an object', { first: 'Ada' }],
  ];

  it.each(bad)('%s: 400 in the error shape, nothing stored', async (_name, fullName) => {
    const email = `bad-${Math.random().toString(36).slice(2)}@example.org`;
    const res = await register({ email, password: PASSWORD, full_name: fullName }).expect(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('full_name'),
      requestId: expect.any(String),
    });
    expect((res.body.details as Array<{ field: string }>).map((d) => d.field)).toEqual(['full_name']);
    expect(await sql(`SELECT 1 FROM users WHERE email = $1`, [email])).toEqual([]);
  });

  it('accepts 100 characters of any script', async () => {
    const name = 'Ñ'.repeat(50) + '山'.repeat(50);
    const res = await register({ email: 'long@example.org', password: PASSWORD, full_name: name }).expect(
      201,
    );
    expect(res.body.full_name).toBe(name);
  });
});

describe('the profile', () => {
  it('changes and removes the full name', async () => {
    await register({ email: 'lin@example.org', password: PASSWORD, full_name: 'Lin' }).expect(201);
    const { access_token: token } = (
      await request(app.url)
        .post('/api/v1/auth/login')
        .send({ email: 'lin@example.org', password: PASSWORD })
        .expect(200)
    ).body as { access_token: string };
    const patch = (body: object) =>
      request(app.url).patch('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).send(body);
    await patch({ full_name: 'Lin Yutang' })
      .expect(200)
      .expect((r) => expect(r.body).toMatchObject({ username: 'lin', full_name: 'Lin Yutang' }));
    await patch({ full_name: 'x'.repeat(101) })
      .expect(400)
      .expect((r) => expect(r.body.code).toBe('VALIDATION_FAILED'));
    await patch({ full_name: null })
      .expect(200)
      .expect((r) => expect(r.body.full_name).toBeNull());
  });
});

describe('OpenAPI', () => {
  it('shows username as optional and full_name on the request and on users', async () => {
    const doc = (await request(app.url).get('/api/docs-json').expect(200)).body as {
      components: { schemas: Record<string, { required?: string[]; properties: Record<string, object> }> };
    };
    const { RegisterDto, UserDto, ProfileDto } = doc.components.schemas;
    expect(RegisterDto.required?.sort()).toEqual(['email', 'password']);
    expect(RegisterDto.properties.username).toMatchObject({ type: 'string', minLength: 3, maxLength: 50 });
    expect(RegisterDto.properties.full_name).toMatchObject({
      type: 'string',
      maxLength: 100,
      nullable: true,
    });
    expect(UserDto.properties.full_name).toMatchObject({ type: 'string', nullable: true });
    expect(ProfileDto.properties.full_name).toMatchObject({ type: 'string', nullable: true });
  });
});

describe('the migration', () => {
  it('goes down (the column only) and up again', async () => {
    const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM users`);
    await app.stop();
    await revertThrough('UsersFullName1700000008000');
    const column = `SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'full_name'`;
    expect(await sql(column)).toEqual([]);
    expect(await sql(`SELECT count(*)::int AS n FROM users`)).toEqual([{ n }]);
    await migrate();
    expect(await sql(column)).toEqual([{ '?column?': 1 }]);
  });
});
