import type { EnvSchema } from './env.js';

/**
 * Secret values that are published with the project (`.env.example`, the test environment, the defaults in code):
 * anyone can read them, so production refuses them. `secrets.spec.ts` keeps this list in step with those files.
 */
export const PUBLISHED_SECRETS: ReadonlySet<string> = new Set([
  // .env.example and the in-code default of JWT_SECRET
  'change-me-in-production-this-is-only-for-local-dev',
  'ZGV2LW9ubHktZGV2LW9ubHktZGV2LW9ubHktMDAwMDA=',
  // test/setup/env.cjs
  'test-secret-test-secret-test-secret-0123456789',
  'dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMDEyMzQ=',
]);

/**
 * The documented minimum beyond each variable's own format rule: a secret made of fewer different characters than
 * this (`aaaa...`, `1234123412341234...`) is refused in production, whatever its length. Random 32 bytes in hex
 * have about 16, in base64 about 28.
 */
export const MIN_DISTINCT_SECRET_CHARS = 10;

const SECRETS = Symbol('terrawatch:secrets');

/** Marks an environment variable as a secret that production must not take from the published examples. */
export function Secret(): PropertyDecorator {
  return (target, property) => {
    const schema = target.constructor as EnvSchema & { [SECRETS]?: string[] };
    schema[SECRETS] = [...(schema[SECRETS] ?? []), String(property)];
  };
}

export function secretsOf(schema: EnvSchema): string[] {
  return (schema as EnvSchema & { [SECRETS]?: string[] })[SECRETS] ?? [];
}

/** Why `value` cannot be a production secret, or undefined when it can. */
export function productionSecretProblem(value: string): string | undefined {
  if (PUBLISHED_SECRETS.has(value))
    return 'is the published example value; set a secret of your own (e.g. openssl rand -base64 32)';
  if (new Set(value).size < MIN_DISTINCT_SECRET_CHARS)
    return `is too weak for production: fewer than ${MIN_DISTINCT_SECRET_CHARS} different characters`;
  return undefined;
}
