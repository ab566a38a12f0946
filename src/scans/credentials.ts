import type { CloudProvider } from './entities/cloud-account.entity.js';
import './providers/m365/graph-types.js';
import type { CredentialsOf, GcpServiceAccount } from './providers/provider.js';
import { ScansError, ScansErrorCode } from './scans.errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type FieldCheck = [field: string, test: (v: unknown) => boolean, expectation: string];

const FIELDS: Record<CloudProvider, FieldCheck[]> = {
  aws: [
    [
      'access_key_id',
      (v) => typeof v === 'string' && /^[A-Z0-9]{16,128}$/.test(v),
      'an AWS access key id (AKIA...)',
    ],
    [
      'secret_access_key',
      (v) => typeof v === 'string' && v.length >= 16 && v.length <= 256,
      'the secret access key (16-256 characters)',
    ],
  ],
  azure: [
    ['tenant_id', (v) => typeof v === 'string' && UUID.test(v), 'the directory (tenant) id, a UUID'],
    ['client_id', (v) => typeof v === 'string' && UUID.test(v), 'the application (client) id, a UUID'],
    ['client_secret', (v) => typeof v === 'string' && v.length >= 8 && v.length <= 512, 'the client secret'],
    ['subscription_id', (v) => typeof v === 'string' && UUID.test(v), 'the subscription id, a UUID'],
  ],
  gcp: [
    [
      'project_id',
      (v) => typeof v === 'string' && /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(v),
      'a GCP project id',
    ],
    [
      'service_account_json',
      (v) => serviceAccount(v) !== undefined,
      'a service-account key (JSON text or object)',
    ],
  ],
  m365: [
    ['tenant_id', (v) => typeof v === 'string' && UUID.test(v), 'the directory (tenant) id, a UUID'],
    ['client_id', (v) => typeof v === 'string' && UUID.test(v), 'the application (client) id, a UUID'],
    ['client_secret', (v) => typeof v === 'string' && v.length >= 8 && v.length <= 512, 'the client secret'],
  ],
};

function serviceAccount(value: unknown): GcpServiceAccount | undefined {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const key = parsed as Partial<GcpServiceAccount> | null;
  if (!key || typeof key !== 'object') return undefined;
  if (
    key.type !== 'service_account' ||
    typeof key.client_email !== 'string' ||
    typeof key.private_key !== 'string'
  )
    return undefined;
  return key as GcpServiceAccount;
}

/**
 * Checks the credential fields a provider needs and returns them in the shape its adapter takes. A missing,
 * malformed or unexpected field is a 400 naming every such field (never echoing a value).
 */
export function parseCredentials<P extends CloudProvider>(provider: P, input: unknown): CredentialsOf[P] {
  const given = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const checks = FIELDS[provider];
  const problems = checks.flatMap(([field, test, expectation]) =>
    given[field] === undefined || given[field] === null || given[field] === ''
      ? [{ field: `credentials.${field}`, problems: [`missing: ${expectation}`] }]
      : test(given[field])
        ? []
        : [{ field: `credentials.${field}`, problems: [`must be ${expectation}`] }],
  );
  const known = new Set(checks.map(([field]) => field));
  for (const field of Object.keys(given))
    if (!known.has(field))
      problems.push({ field: `credentials.${field}`, problems: [`not a ${provider} credential field`] });
  if (problems.length > 0) {
    throw new ScansError(
      ScansErrorCode.INVALID_CREDENTIALS,
      `Invalid ${provider} credentials: ${problems.map((p) => `${p.field} (${p.problems.join(', ')})`).join('; ')}`,
      problems,
    );
  }
  if (provider === 'gcp') {
    return {
      project_id: given.project_id as string,
      service_account: serviceAccount(given.service_account_json) as GcpServiceAccount,
    } as CredentialsOf[P];
  }
  return Object.fromEntries(checks.map(([field]) => [field, given[field]])) as unknown as CredentialsOf[P];
}

const mask = (value: string, head: number, tail: number) =>
  value.length <= head + tail
    ? '*'.repeat(value.length)
    : `${value.slice(0, head)}…${tail > 0 ? value.slice(-tail) : ''}`;

/** What the API shows in place of the credentials: enough to recognise them, nothing to use. */
export function credentialsHint<P extends CloudProvider>(provider: P, credentials: CredentialsOf[P]): string {
  switch (provider) {
    case 'aws': {
      const aws = credentials as CredentialsOf['aws'];
      return `access key ${mask(aws.access_key_id, 4, 4)}, secret ****${aws.secret_access_key.slice(-2)}`;
    }
    case 'azure':
    case 'm365': {
      const app = credentials as CredentialsOf['azure' | 'm365'];
      return `client ${mask(app.client_id, 4, 4)}, secret ****${app.client_secret.slice(-2)}`;
    }
    case 'gcp': {
      const gcp = credentials as CredentialsOf['gcp'];
      const [user, domain] = gcp.service_account.client_email.split('@');
      return `service account ${mask(user, 3, 0)}@${domain ?? ''}`;
    }
  }
  return '';
}

/** The provider's own account id found in the credentials, when they carry one. */
export function identifierFromCredentials<P extends CloudProvider>(
  provider: P,
  credentials: CredentialsOf[P],
) {
  if (provider === 'azure') return (credentials as CredentialsOf['azure']).subscription_id;
  if (provider === 'gcp') return (credentials as CredentialsOf['gcp']).project_id;
  if (provider === 'm365') return (credentials as CredentialsOf['m365']).tenant_id;
  return undefined;
}

const REGION_PATTERNS: Record<CloudProvider, RegExp> = {
  aws: /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/,
  azure: /^[a-z][a-z0-9]{2,30}$/,
  gcp: /^[a-z]+-[a-z]+\d$/,
  // Microsoft 365 is tenant-wide.
  m365: /^global$/,
};

export function regionProblems(provider: CloudProvider, regions: string[]): string[] {
  return regions.filter((r) => !REGION_PATTERNS[provider].test(r));
}
