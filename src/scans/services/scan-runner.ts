import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { DataSource, In, Repository, type QueryDeepPartialEntity } from 'typeorm';
import { AccountsService } from './accounts.service.js';
import type { CloudAccount } from '../entities/cloud-account.entity.js';
import { OrphanResource } from '../entities/orphan-resource.entity.js';
import {
  Scan,
  UNFINISHED,
  type RegionError,
  type ServiceStatus,
  type StepOutcome,
} from '../entities/scan.entity.js';
import { PricingService } from './pricing.service.js';
import { ProviderRegistry } from '../providers/provider.registry.js';
import { describeError, type CloudScanner, type RegionScanContext } from '../providers/provider.js';
import { round2, type Finding } from '../rules/finding.js';
import { RulesService } from './rules.service.js';
import { scansConfig, type ScansConfig } from '../scans.config.js';

/** Roughly how many steps a region takes; only used to turn steps into a percentage. */
const STEPS_PER_REGION = 8;
const PROGRESS_EVERY_MS = 500;
const INSERT_CHUNK = 1000;

export interface ScanProgress {
  scan: Scan;
}

export type ProgressListener = (scan: Scan) => void;

/** Stops a scan on purpose: cancelled by its owner. */
class ScanCancelled extends Error {}

/**
 * Runs one scan from start to end: every region of the account with bounded parallelism and a time limit each,
 * one scanner (and so one set of SDK clients per region) for the whole scan, progress written to the scan row and
 * pushed to a listener, findings written in multi-row batches. A region that fails is recorded and the others go
 * on. Used by the queue worker and by the `scans:run` command.
 */
@Injectable()
export class ScanRunner {
  private readonly logger = new Logger(ScanRunner.name);

  constructor(
    @InjectRepository(Scan) private readonly scans: Repository<Scan>,
    @InjectRepository(OrphanResource) private readonly resources: Repository<OrphanResource>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(scansConfig.KEY) private readonly config: ScansConfig,
    private readonly accounts: AccountsService,
    private readonly rules: RulesService,
    private readonly pricing: PricingService,
    private readonly providers: ProviderRegistry,
  ) {}

  async run(scanId: string, onProgress: ProgressListener = () => undefined): Promise<Scan | null> {
    const scan = await this.scans.findOneBy({ id: scanId });
    // Finished or cancelled meanwhile (a retried job after a crash may find it so): nothing to do.
    if (!scan || !UNFINISHED.includes(scan.status)) return scan;
    const account = await this.accounts.getById(scan.accountId);
    if (!account) return this.fail(scan, 'The cloud account was deleted', onProgress);

    // A restart after a dead worker begins again from scratch: drop what the previous attempt wrote.
    await this.resources.delete({ scanId });
    Object.assign(scan, {
      status: 'in_progress',
      progress: 0,
      currentStep: 'starting',
      currentRegion: null,
      resourcesScanned: 0,
      orphansFound: 0,
      estimatedMonthlyWaste: 0,
      regionErrors: [],
      serviceStatus: [],
      findingsCostUnknown: 0,
      errorMessage: null,
      attempts: scan.attempts + 1,
      startedAt: scan.startedAt ?? new Date(),
    });
    const started = await this.scans.update({ id: scanId, status: In(UNFINISHED) }, this.columns(scan));
    if (!started.affected) return this.scans.findOneBy({ id: scanId });
    onProgress(scan);

    let scanner: CloudScanner | undefined;
    try {
      const credentials = await this.accounts.credentialsOf(account);
      const [rules, prices] = await Promise.all([
        this.rules.effective(scan.ownerId),
        this.pricing.book(account.provider, account.regions),
      ]);
      // TypeScript cannot tie `account.provider` to its credentials' type; credentialsOf returned that provider's.
      scanner = await this.providers.get(account.provider).openScanner(credentials as never);
      const findings = await this.scanRegions(scan, account, scanner, { rules, prices }, onProgress);
      return await this.complete(scan, account, findings, onProgress);
    } catch (error) {
      if (error instanceof ScanCancelled) return this.scans.findOneBy({ id: scanId });
      this.logger.error({ err: error, scanId }, 'Scan failed');
      return this.fail(scan, describeError(error).message, onProgress);
    } finally {
      scanner?.close();
    }
  }

  private async scanRegions(
    scan: Scan,
    account: CloudAccount,
    scanner: CloudScanner,
    inputs: Pick<RegionScanContext, 'rules' | 'prices'>,
    onProgress: ProgressListener,
  ): Promise<Finding[]> {
    const regions = account.regions;
    const cancel = new AbortController();
    setMaxListeners(regions.length * 2 + 8, cancel.signal);
    const now = new Date();
    const errors: RegionError[] = [];
    const findings = new Map<string, Finding>();
    const failedRegions = new Set<string>();
    const table = new StatusTable();
    let steps = 0;
    let lastWrite = 0;
    let writing: Promise<void> = Promise.resolve();

    const report = (force = false) => {
      const at = Date.now();
      if (!force && at - lastWrite < PROGRESS_EVERY_MS) return;
      lastWrite = at;
      scan.progress = Math.min(99, Math.floor((steps / (regions.length * STEPS_PER_REGION)) * 100));
      scan.orphansFound = findings.size;
      scan.regionErrors = [...errors];
      scan.serviceStatus = table.rows();
      writing = writing.then(async () => {
        // Writing progress is also when a cancellation by the owner is noticed.
        const result = await this.scans.update({ id: scan.id, status: 'in_progress' }, this.columns(scan));
        if (!result.affected) cancel.abort(new ScanCancelled('cancelled'));
        else onProgress(scan);
      });
    };

    const limit = pLimit(this.config.worker.regionConcurrency);
    await Promise.all(
      regions.map((region) =>
        limit(async () => {
          if (cancel.signal.aborted) return;
          const signal = AbortSignal.any([
            cancel.signal,
            AbortSignal.timeout(this.config.worker.regionTimeoutMs),
          ]);
          // Every in-flight SDK request of the region listens on it (CloudWatch runs two per volume at once).
          setMaxListeners(this.config.worker.requestConcurrency * 4 + 16, signal);
          const ctx: RegionScanContext = {
            ...inputs,
            region,
            now,
            signal,
            sightings: (type, ids) => this.recordSightings(account.id, region, type, ids),
            stepStatus: (name, outcome) => table.set(region, name, outcome),
            step: (name, scanned) => {
              steps += scanned === undefined ? 1 : 0;
              scan.resourcesScanned += scanned ?? 0;
              if (scanned !== undefined) table.count(region, name, scanned);
              scan.currentStep = name;
              scan.currentRegion = region;
              report();
            },
          };
          try {
            const result = await Promise.race([scanner.scanRegion(ctx), rejectOnAbort(signal)]);
            errors.push(...result.errors);
            if (result.succeeded === 0 && result.errors.length > 0) failedRegions.add(region);
            for (const f of result.findings) findings.set(`${f.resourceType}:${f.resourceId}`, f);
          } catch (error) {
            if (cancel.signal.aborted) return;
            failedRegions.add(region);
            const timedOut = signal.aborted;
            const failure = timedOut
              ? {
                  code: 'Timeout',
                  message: `Region not finished within ${this.config.worker.regionTimeoutMs} ms`,
                }
              : describeError(error);
            errors.push({ region, ...failure });
            table.failRegion(region, failure);
          }
          report(true);
        }),
      ),
    );
    await writing;
    if (cancel.signal.aborted) throw new ScanCancelled('cancelled');
    scan.regionErrors = errors;
    scan.serviceStatus = table.rows();
    if (regions.length > 0 && failedRegions.size === regions.length)
      throw new Error(`Every region failed: ${errors.map((e) => `${e.region}: ${e.message}`).join('; ')}`);
    return [...findings.values()];
  }

  private async complete(
    scan: Scan,
    account: CloudAccount,
    findings: Finding[],
    onProgress: ProgressListener,
  ): Promise<Scan | null> {
    scan.currentStep = 'saving';
    const finished = await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(OrphanResource);
      for (let i = 0; i < findings.length; i += INSERT_CHUNK) {
        await repo
          .createQueryBuilder()
          .insert()
          .values(
            findings.slice(i, i + INSERT_CHUNK).map((f) => ({
              scanId: scan.id,
              accountId: account.id,
              ownerId: scan.ownerId,
              provider: account.provider,
              resourceType: f.resourceType,
              resourceId: f.resourceId,
              resourceName: f.name,
              region: f.region,
              monthlyCost: f.monthlyCost,
              metadata: f.metadata,
            })) as QueryDeepPartialEntity<OrphanResource>[],
          )
          .orIgnore()
          .updateEntity(false)
          .execute();
      }
      // What the owner decided about a resource (ignore, mark for deletion) carries over to later scans.
      await manager.query(
        `UPDATE orphan_resources r SET status = prev.status, notes = COALESCE(r.notes, prev.notes)
         FROM (SELECT DISTINCT ON (resource_type, resource_id) resource_type, resource_id, status, notes
               FROM orphan_resources WHERE account_id = $1 AND scan_id <> $2
               ORDER BY resource_type, resource_id, created_at DESC) prev
         WHERE r.scan_id = $2 AND r.resource_type = prev.resource_type AND r.resource_id = prev.resource_id
           AND prev.status IN ('ignored', 'marked_for_deletion')`,
        [account.id, scan.id],
      );
      Object.assign(scan, {
        status: 'completed',
        progress: 100,
        currentStep: 'done',
        currentRegion: null,
        orphansFound: findings.length,
        findingsCostUnknown: findings.filter((f) => f.metadata.cost_unknown).length,
        estimatedMonthlyWaste: round2(findings.reduce((sum, f) => sum + f.monthlyCost, 0)),
        completedAt: new Date(),
      });
      const result = await manager
        .getRepository(Scan)
        .update({ id: scan.id, status: 'in_progress' }, this.columns(scan));
      return (result.affected ?? 0) > 0;
    });
    if (!finished) return this.scans.findOneBy({ id: scan.id });
    await this.pricing
      .requestMissing(
        account.provider,
        scan.id,
        findings.flatMap((f) =>
          f.metadata.cost_breakdown.flatMap((line) =>
            line.cost_unknown && line.price_key ? [{ key: line.price_key, region: f.region }] : [],
          ),
        ),
      )
      .catch((error: Error) => this.logger.warn({ err: error }, 'Could not queue the missing prices'));
    await this.accounts.touchLastScan(account.id, scan.completedAt as Date);
    onProgress(scan);
    return scan;
  }

  /** Marks an unfinished scan failed with a reason (also used when its worker died for good). */
  async fail(
    scan: Scan,
    message: string,
    onProgress: ProgressListener = () => undefined,
  ): Promise<Scan | null> {
    Object.assign(scan, { status: 'failed', errorMessage: message.slice(0, 2000), completedAt: new Date() });
    await this.scans.update(
      { id: scan.id, status: In(UNFINISHED) },
      { status: 'failed', errorMessage: scan.errorMessage, completedAt: scan.completedAt },
    );
    onProgress(scan);
    return this.scans.findOneBy({ id: scan.id });
  }

  private async recordSightings(accountId: string, region: string, type: string, ids: string[]) {
    // Resources no longer idle lose their sighting, so a later idle spell starts counting afresh.
    await this.dataSource.query(
      `DELETE FROM resource_sightings WHERE account_id = $1 AND region = $2 AND resource_type = $3
       AND NOT (resource_id = ANY($4::text[]))`,
      [accountId, region, type, ids],
    );
    if (ids.length === 0) return new Map<string, Date>();
    const rows: Array<{ resource_id: string; first_seen_at: Date }> = await this.dataSource.query(
      `INSERT INTO resource_sightings (account_id, region, resource_type, resource_id)
       SELECT $1, $2, $3, unnest($4::text[])
       ON CONFLICT (account_id, resource_type, resource_id) DO UPDATE SET last_seen_at = now(), region = EXCLUDED.region
       RETURNING resource_id, first_seen_at`,
      [accountId, region, type, ids],
    );
    return new Map(rows.map((r) => [r.resource_id, new Date(r.first_seen_at)]));
  }

  private columns(scan: Scan) {
    return {
      status: scan.status,
      progress: scan.progress,
      currentStep: scan.currentStep,
      currentRegion: scan.currentRegion,
      resourcesScanned: scan.resourcesScanned,
      orphansFound: scan.orphansFound,
      estimatedMonthlyWaste: scan.estimatedMonthlyWaste,
      regionErrors: scan.regionErrors,
      serviceStatus: scan.serviceStatus,
      findingsCostUnknown: scan.findingsCostUnknown,
      errorMessage: scan.errorMessage,
      attempts: scan.attempts,
      startedAt: scan.startedAt,
      completedAt: scan.completedAt,
    };
  }
}

/**
 * The scan's per-region, per-service status table, filled as steps start, count and end. A step still running when
 * its region stops (timeout, crash) ends `failed`, so an unfinished service never reads as "nothing found".
 */
class StatusTable {
  private readonly byStep = new Map<string, ServiceStatus>();
  /** Steps begun and not yet ended. */
  private readonly running = new Set<string>();

  private row(region: string, step: string): ServiceStatus {
    const id = `${region}\u0000${step}`;
    let row = this.byStep.get(id);
    if (!row) {
      const colon = step.indexOf(':');
      const service = colon > 0 ? step.slice(0, colon) : step;
      row = { region, service, step, status: 'scanned', resources_examined: 0 };
      this.byStep.set(id, row);
    }
    return row;
  }

  set(region: string, step: string, outcome: StepOutcome): void {
    const row = this.row(region, step);
    const id = `${region}\u0000${step}`;
    if (outcome.status === 'running') {
      this.running.add(id);
      return;
    }
    this.running.delete(id);
    // A step run several times (one per page or per resource group) keeps its worst outcome.
    if (row.status !== 'scanned' && outcome.status === 'scanned') return;
    row.status = outcome.status;
    if (outcome.code) row.code = outcome.code;
    if (outcome.reason) row.reason = outcome.reason;
  }

  count(region: string, step: string, examined: number): void {
    this.row(region, step).resources_examined += examined;
  }

  failRegion(region: string, failure: { code?: string; message: string }): void {
    for (const [id, row] of this.byStep)
      if (row.region === region && this.running.has(id)) {
        this.running.delete(id);
        Object.assign(row, {
          status: 'failed',
          code: failure.code,
          reason: `Not finished: ${failure.message}`,
        });
      }
    this.byStep.set(`${region}\u0000*`, {
      region,
      service: '*',
      step: '*',
      status: 'failed',
      resources_examined: 0,
      ...(failure.code ? { code: failure.code } : {}),
      reason: failure.message,
    });
  }

  rows(): ServiceStatus[] {
    return [...this.byStep.values()].map((row) => ({ ...row }));
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
