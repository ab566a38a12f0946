import type { CloudProvider } from '../entities/cloud-account.entity.js';
import type { RegionError, StepOutcome } from '../entities/scan.entity.js';
import type { PriceBook } from '../pricing/price-book.js';
import type { RuleContext } from '../rules/finding.js';
import { defaultSettings, RULES_BY_TYPE, type EffectiveRules } from '../rules/catalog.js';
import type { Finding } from '../rules/finding.js';

export interface AwsCredentials {
  access_key_id: string;
  secret_access_key: string;
}

export interface AzureCredentials {
  tenant_id: string;
  client_id: string;
  client_secret: string;
  subscription_id: string;
}

export interface GcpServiceAccount {
  type: 'service_account';
  project_id?: string;
  client_email: string;
  private_key: string;
  [field: string]: unknown;
}

export interface GcpCredentials {
  project_id: string;
  service_account: GcpServiceAccount;
}

export interface CredentialsOf {
  aws: AwsCredentials;
  azure: AzureCredentials;
  gcp: GcpCredentials;
}

/** First-seen times of idle resources that report no creation time of their own. */
export type SightingsRecorder = (resourceType: string, resourceIds: string[]) => Promise<Map<string, Date>>;

export interface RegionScanContext {
  region: string;
  now: Date;
  prices: PriceBook;
  rules: EffectiveRules;
  signal: AbortSignal;
  sightings: SightingsRecorder;
  /** `scanned`: resources examined by this step. */
  step(name: string, scanned?: number): void;
  /** How a step ended, for the scan's per-region, per-service status table (set by `guardedStep`). */
  stepStatus?(name: string, outcome: StepOutcome): void;
}

export interface RegionScanResult {
  findings: Finding[];
  /** Steps that failed while the rest of the region went on. */
  errors: RegionError[];
  /** Steps that answered; a region where none did counts as failed. */
  succeeded: number;
}

/** What a region's steps have produced so far. */
export interface StepTally {
  errors: RegionError[];
  succeeded: number;
}

/** One account's scanner: SDK clients are created once per region and reused by every step; `close` frees them. */
export interface CloudScanner {
  scanRegion(ctx: RegionScanContext): Promise<RegionScanResult>;
  close(): void;
}

export interface Identity {
  /** The provider's own name for who we are, e.g. an ARN. */
  identity: string;
  accountIdentifier: string;
}

/**
 * What every cloud provider offers the scans: a cheap identity check and a scanner. SDKs are loaded on first use
 * (together they weigh several hundred MB).
 */
export interface CloudProviderAdapter<P extends CloudProvider = CloudProvider> {
  readonly provider: P;
  verifyIdentity(credentials: CredentialsOf[P], signal?: AbortSignal): Promise<Identity>;
  openScanner(credentials: CredentialsOf[P]): Promise<CloudScanner>;
}

/** A provider call failed in a way the caller should see (bad credentials, unreachable endpoint). */
export class ProviderCallError extends Error {
  constructor(
    message: string,
    readonly kind: 'rejected_credentials' | 'unreachable',
    readonly providerCode?: string,
  ) {
    super(message);
  }
}

/**
 * Runs `fn`; on failure records `{region, step, code, message}` and yields undefined, so the region goes on. Every
 * step also lands in the scan's status table: `scanned`, `failed` with the reason, or `skipped` when the provider
 * refused it for lack of permission (the credentials are fine, this one service is not granted).
 */
export async function guardedStep<T>(
  ctx: RegionScanContext,
  tally: StepTally,
  step: string,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  ctx.step(step);
  ctx.stepStatus?.(step, { status: 'running' });
  try {
    const result = await fn();
    tally.succeeded += 1;
    ctx.stepStatus?.(step, { status: 'scanned' });
    return result;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const described = describeError(error);
    tally.errors.push({ region: ctx.region, step, ...described });
    ctx.stepStatus?.(step, {
      status: isPermissionDenied(error) ? 'skipped' : 'failed',
      code: described.code,
      reason: described.message,
    });
    return undefined;
  }
}

export function describeError(error: unknown): { code?: string; message: string } {
  const e = error as { name?: string; Code?: string; code?: string | number; message?: string };
  const code = e?.Code ?? (e?.name && e.name !== 'Error' ? e.name : undefined) ?? e?.code;
  return {
    code: code === undefined ? undefined : String(code),
    message: String(e?.message ?? error).slice(0, 500),
  };
}

/** AWS, Azure and GCP ways of saying "these credentials may not call this". */
const PERMISSION_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationFailed',
  'AuthorizationError',
  'PERMISSION_DENIED',
  'Forbidden',
]);

/** Whether a provider refused a call for lack of permission (as opposed to failing). */
export function isPermissionDenied(error: unknown): boolean {
  const e = error as {
    name?: string;
    Code?: string;
    code?: string | number;
    status?: string | number;
    statusCode?: number;
    message?: string;
    response?: { status?: number; data?: { error?: { status?: string } } };
  };
  if (!e || typeof e !== 'object') return false;
  const codes = [e.Code, e.name, e.code, e.status, e.response?.data?.error?.status].map((c) => String(c));
  if (codes.some((c) => PERMISSION_CODES.has(c))) return true;
  // GCP: HTTP 403 whose status is PERMISSION_DENIED (a 403 may also be a quota or a disabled API).
  const status = Number(e.statusCode ?? e.response?.status ?? (typeof e.code === 'number' ? e.code : NaN));
  return status === 403 && /PERMISSION_DENIED|permission/i.test(String(e.message));
}

/** The settings of one rule for this region's scan, or undefined when the owner turned the rule off. */
export function ruleContext(ctx: RegionScanContext, resourceType: string): RuleContext | undefined {
  const rule = RULES_BY_TYPE.get(resourceType);
  const settings = ctx.rules.get(resourceType) ?? (rule ? defaultSettings(rule) : undefined);
  return settings?.enabled ? { region: ctx.region, now: ctx.now, prices: ctx.prices, settings } : undefined;
}
