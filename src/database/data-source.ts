import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseOptions } from './database.options.js';

/** Used by `npm run migration:*` (TypeORM CLI) against the built code. */
export default new DataSource(
  databaseOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'),
);
