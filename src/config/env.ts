import { ConfigType, registerAs } from '@nestjs/config';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { productionSecretProblem, secretsOf } from './secrets.js';

/** A class whose decorated, defaulted properties describe some environment variables. */
export type EnvSchema<S extends object = object> = new () => S;

/**
 * A namespaced config (`registerAs`) computed from a validated env schema. The schema travels with the factory so
 * start-up can validate every module's variables in one pass (see `validateEnv`).
 */
export function defineConfig<N extends string, S extends object, T extends object>(
  namespace: N,
  schema: EnvSchema<S>,
  map: (env: S) => T,
) {
  const factory = registerAs(namespace, (): T => map(readEnv(schema, process.env)));
  return Object.assign(factory, { schema });
}

export type ConfigOf<F extends (...args: never[]) => unknown> = ConfigType<F>;

export function readEnv<S extends object>(schema: EnvSchema<S>, env: Record<string, unknown>): S {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  return plainToInstance(schema, defined, { enableImplicitConversion: true, exposeDefaultValues: true });
}

/**
 * Validates the environment against every module's schema and throws one error naming every bad variable, so an
 * operator fixes the whole `.env` in one pass instead of one restart per mistake. With NODE_ENV=production, every
 * `@Secret()` variable must also be neither a published example value nor trivially weak (`secrets.ts`).
 */
export function validateEnv(env: Record<string, unknown>, schemas: EnvSchema[]): Record<string, unknown> {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  for (const schema of schemas) {
    const values = readEnv(schema, env);
    const errors = validateSync(values, { forbidUnknownValues: false });
    for (const error of errors) problems.push(describe(error));
    if (!production) continue;
    for (const name of secretsOf(schema)) {
      const value = (values as Record<string, unknown>)[name];
      const problem = typeof value === 'string' ? productionSecretProblem(value) : undefined;
      if (problem && !errors.some((e) => e.property === name)) problems.push(`${name}=(hidden): ${problem}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `Invalid configuration (${problems.length} variable(s)):\n  - ${problems.join('\n  - ')}`,
    );
  }
  return env;
}

function describe(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  const secret = /SECRET|PASSWORD|KEY|DSN|PASS|TOKEN/.test(error.property);
  return `${error.property}=${secret ? '(hidden)' : JSON.stringify(error.value)}: ${reasons}`;
}

/** Parses a comma-separated list, trimming blanks. */
export function csv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * class-transformer hook for boolean variables: only true/1/yes/on are true. It reads the raw variable from `obj`:
 * with implicit conversion on, `value` has already been through `Boolean('false')`, which is true.
 */
export const toBool = ({
  value,
  key,
  obj,
}: {
  value: unknown;
  key?: string;
  obj?: Record<string, unknown>;
}): boolean => {
  const raw = key !== undefined && obj !== undefined && key in obj ? obj[key] : value;
  return typeof raw === 'boolean' ? raw : ['true', '1', 'yes', 'on'].includes(String(raw).toLowerCase());
};
