import type { DataSourceOptions } from 'typeorm';
import { ALL_MIGRATIONS } from '../../migrations/index.js';
import { ALL_ENTITIES } from './entities.js';

/**
 * One definition of the connection for the app, the TypeORM CLI and the tests. Entities and migrations are listed
 * explicitly (no globs: they behave the same from source, from dist and under Jest). The schema comes only from
 * migrations: `synchronize` stays off.
 */
export function databaseOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ALL_ENTITIES,
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize, application_name: 'terrawatch' },
  };
}
