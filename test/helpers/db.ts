import pg from 'pg';

let pool: pg.Pool | undefined;

/** A direct connection to the test database, for arranging data and asserting on what the app wrote. */
export function db(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  return pool;
}

export async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (await db().query<T>(text, params)).rows;
}

/** Empties every application table (not the migrations' bookkeeping, not PostGIS's). */
export async function truncateAll(): Promise<void> {
  const tables = await sql<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('migrations', 'spatial_ref_sys')`,
  );
  if (tables.length)
    await sql(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
}

export async function closeDb(): Promise<void> {
  await pool?.end();
  pool = undefined;
}
