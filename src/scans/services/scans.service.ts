import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, QueryFailedError, Repository, type FindOptionsWhere } from 'typeorm';
import { page, type Page, type PageQueryDto } from '../../common/pagination/pagination.js';
import { StatusRegistry } from '../../common/status/status.registry.js';
import { AccountsService } from './accounts.service.js';
import { hourStart, isScheduleDue } from '../schedule.js';
import type { CloudAccount } from '../entities/cloud-account.entity.js';
import { OrphanResource } from '../entities/orphan-resource.entity.js';
import { Scan, UNFINISHED, type ScanStatus, type ScanType } from '../entities/scan.entity.js';
import { ScansQueue } from '../scans.queue.js';
import { ScanRunner } from './scan-runner.js';
import { ScansError, ScansErrorCode } from '../scans.errors.js';

export interface ScanFilter {
  status?: ScanStatus;
  account_id?: string;
  type?: ScanType;
}

/** Scans as their owners see them, and the queue that runs them. */
@Injectable()
export class ScansService implements OnModuleInit {
  private readonly logger = new Logger(ScansService.name);

  constructor(
    @InjectRepository(Scan) private readonly scans: Repository<Scan>,
    @InjectRepository(OrphanResource) private readonly resources: Repository<OrphanResource>,
    private readonly queue: ScansQueue,
    private readonly accounts: AccountsService,
    private readonly runner: ScanRunner,
    private readonly status: StatusRegistry,
  ) {}

  onModuleInit(): void {
    // Shown in GET /api/v1/status: the queue's depth and the scans under way.
    this.status.register('scans', async () => ({
      queue: await this.queue.counts(),
      unfinished: await this.scans.countBy({ status: In(UNFINISHED) }),
    }));
  }

  /** Creates a pending scan of one of the caller's active accounts and queues it. */
  async start(ownerId: string, accountId: string, type: ScanType = 'manual'): Promise<Scan> {
    const account = await this.accounts.get(ownerId, accountId);
    if (!account.isActive)
      throw new ScansError(
        ScansErrorCode.ACCOUNT_INACTIVE,
        `Cloud account ${accountId} is inactive; activate it first`,
      );
    const scan = await this.createPending(account, type);
    if (!scan)
      throw new ScansError(
        ScansErrorCode.SCAN_ALREADY_RUNNING,
        `A scan of account ${accountId} is already under way`,
      );
    await this.queue.enqueueRun(scan.id);
    return scan;
  }

  /** For the CLI: a pending scan that the caller then runs itself rather than through the queue. */
  async createForCli(accountId: string): Promise<{ scan: Scan; account: CloudAccount }> {
    const account = await this.accounts.getById(accountId);
    if (!account)
      throw new ScansError(ScansErrorCode.ACCOUNT_NOT_FOUND, `Cloud account ${accountId} not found`);
    const scan = await this.createPending(account, 'manual');
    if (!scan)
      throw new ScansError(
        ScansErrorCode.SCAN_ALREADY_RUNNING,
        `A scan of account ${accountId} is already under way`,
      );
    return { scan, account };
  }

  async list(ownerId: string, query: PageQueryDto & ScanFilter): Promise<Page<Scan>> {
    const where: FindOptionsWhere<Scan> = { ownerId };
    if (query.status) where.status = query.status;
    if (query.account_id) where.accountId = query.account_id;
    if (query.type) where.type = query.type;
    const [items, total] = await this.scans.findAndCount({
      where,
      order: { createdAt: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return page(items, total, query);
  }

  async get(ownerId: string, id: string): Promise<Scan> {
    const scan = await this.scans.findOneBy({ id, ownerId });
    if (!scan) throw new ScansError(ScansErrorCode.SCAN_NOT_FOUND, `Scan ${id} not found`);
    return scan;
  }

  async resourcesOf(scanId: string, limit: number): Promise<{ items: OrphanResource[]; total: number }> {
    const [items, total] = await this.resources.findAndCount({
      where: { scanId },
      order: { monthlyCost: 'DESC', id: 'ASC' },
      take: limit,
    });
    return { items, total };
  }

  async summary(ownerId: string) {
    const byStatus: Array<{ status: ScanStatus; count: number }> = await this.scans
      .createQueryBuilder('s')
      .select('s.status', 'status')
      .addSelect('count(*)::int', 'count')
      .where('s.owner_id = :ownerId', { ownerId })
      .groupBy('s.status')
      .getRawMany();
    const [latest]: Array<{ accounts: number; waste: string | null; orphans: number | null }> =
      await this.scans.query(
        `SELECT count(*)::int AS accounts, sum(estimated_monthly_waste) AS waste, sum(orphans_found)::int AS orphans
       FROM (SELECT DISTINCT ON (account_id) estimated_monthly_waste, orphans_found FROM scans
             WHERE owner_id = $1 AND status = 'completed' ORDER BY account_id, completed_at DESC) latest`,
        [ownerId],
      );
    const last = await this.scans.findOne({ where: { ownerId }, order: { createdAt: 'DESC' } });
    const counts = Object.fromEntries(byStatus.map((r) => [r.status, r.count]));
    return {
      total_scans: byStatus.reduce((n, r) => n + r.count, 0),
      by_status: {
        pending: counts.pending ?? 0,
        in_progress: counts.in_progress ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
        cancelled: counts.cancelled ?? 0,
      },
      accounts_scanned: latest.accounts,
      orphans_in_latest_scans: latest.orphans ?? 0,
      monthly_waste_in_latest_scans: Number(latest.waste ?? 0),
      last_scan_at: last?.createdAt.toISOString() ?? null,
    };
  }

  /**
   * An unfinished scan is cancelled (its worker notices at its next progress write); a finished one is deleted
   * with its resources. Returns what happened.
   */
  async cancelOrDelete(
    ownerId: string,
    id: string,
  ): Promise<{ scan: Scan; action: 'cancelled' | 'deleted' }> {
    const scan = await this.get(ownerId, id);
    const cancelled = await this.scans.update(
      { id, status: In(UNFINISHED) },
      { status: 'cancelled', completedAt: new Date(), currentStep: 'cancelled' },
    );
    if (cancelled.affected) {
      await this.queue.removeWaitingRun(id);
      return { scan: await this.scans.findOneByOrFail({ id }), action: 'cancelled' };
    }
    await this.scans.delete({ id });
    return { scan, action: 'deleted' };
  }

  /** The hourly tick's work: a scheduled scan for each account due this hour. Returns the scans created. */
  async enqueueDue(at: Date): Promise<Scan[]> {
    const hour = hourStart(at);
    const due = (await this.accounts.scheduledAt(hour.getUTCHours())).filter((a) => isScheduleDue(a, hour));
    const created: Scan[] = [];
    for (const account of due) {
      const scan = await this.createPending(account, 'scheduled');
      if (!scan) {
        this.logger.warn(`Scheduled scan of account ${account.id} skipped: one is already under way`);
        continue;
      }
      await this.queue.enqueueRun(scan.id);
      created.push(scan);
    }
    return created;
  }

  /**
   * Scans left unfinished whose job is gone or finished (Redis lost the job, or the worker died for good and
   * the job failed before the scan could be marked): marked failed with the reason, never left in progress.
   */
  async reconcileAbandoned(olderThanMs: number): Promise<number> {
    const stale = await this.scans.findBy({
      status: In(UNFINISHED),
      updatedAt: LessThan(new Date(Date.now() - olderThanMs)),
    });
    let failed = 0;
    for (const scan of stale) {
      const { state, failedReason } = await this.queue.runState(scan.id);
      if (state === 'missing' || state === 'completed' || state === 'failed') {
        const reason = failedReason ? ` (${failedReason})` : '';
        await this.runner.fail(scan, `The scan worker stopped without finishing this scan${reason}`);
        failed += 1;
      }
    }
    return failed;
  }

  private async createPending(account: CloudAccount, type: ScanType): Promise<Scan | null> {
    try {
      return await this.scans.save(
        this.scans.create({ accountId: account.id, ownerId: account.ownerId, type, status: 'pending' }),
      );
    } catch (error) {
      // The partial unique index allows one unfinished scan per account.
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505')
        return null;
      throw error;
    }
  }
}
