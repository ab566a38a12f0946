import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { CloudProvider } from '../entities/cloud-account.entity.js';
import { LivePrice } from '../entities/live-price.entity.js';
import { Price } from '../entities/price.entity.js';
import { ScansError, ScansErrorCode } from '../scans.errors.js';
import { LIST_PRICES } from '../pricing/list-prices.js';
import { LIVE_PRICE_KEYS, livePriceSpec, type LivePriceSpec } from '../pricing/live-catalog.js';
import type { FetchedPrice, LivePriceRequest } from '../pricing/live-price-client.js';
import { LivePrices, type LivePriceProvider } from '../pricing/live-prices.js';
import { PriceBook, type PriceRow } from '../pricing/price-book.js';
import { scansConfig, type ScansConfig } from '../scans.config.js';
import { ScansQueue, type RefreshPricesData } from '../scans.queue.js';

const HOUR_MS = 3_600_000;
/** A scan waits at most this long for missing live prices before it goes on with the cache and the list. */
const SCAN_FETCH_BUDGET_MS = 15_000;

export interface PricingStats {
  live_providers: LivePriceProvider[];
  cache_hours: number;
  list_prices: number;
  overrides: number;
  cached: Array<{
    provider: LivePriceProvider;
    fresh: number;
    stale: number;
    oldest_fetched_at: string | null;
    newest_fetched_at: string | null;
  }>;
}

export interface RefreshResult {
  requested: number;
  fetched: number;
  failed: Array<{ provider: CloudProvider; message: string }>;
}

/**
 * The prices scans apply. List prices seeded by the migration, per-region overrides set by admins, and prices fetched
 * from the providers' price APIs (AWS Price List, Azure Retail Prices, GCP Cloud Billing Catalog) cached 24 h in
 * PostgreSQL and refreshed by a queued job. Overrides always win; the list table is the last fallback.
 */
@Injectable()
export class PricingService {
  private readonly logger = new Logger(PricingService.name);

  constructor(
    @InjectRepository(Price) private readonly prices: Repository<Price>,
    @InjectRepository(LivePrice) private readonly cache: Repository<LivePrice>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(scansConfig.KEY) private readonly config: ScansConfig,
    private readonly live: LivePrices,
    private readonly queue: ScansQueue,
  ) {}

  /**
   * List prices missing from the table (a key added since the migration, an emptied table) are put back. Run by
   * the HTTP app at start-up, not by the CLI (whose `migrate` runs before the table exists).
   */
  async ensureListPrices(): Promise<void> {
    await this.prices
      .createQueryBuilder()
      .insert()
      .values(LIST_PRICES.map((p) => ({ ...p, region: '*' })))
      .orIgnore()
      .execute();
  }

  /**
   * The prices in force for a scan of `provider` in `regions`: overrides, then live prices (fetched now for what the
   * cache lacks, when that provider's API is enabled), then the cache, then the list (built-in list prices included,
   * so an emptied table never prices at zero).
   */
  async book(provider?: CloudProvider, regions: string[] = []): Promise<PriceBook> {
    const rows: PriceRow[] = LIST_PRICES.map((p) => ({
      key: p.key,
      region: '*',
      usd: p.usd,
      source: 'list',
    }));
    for (const p of await this.prices.find())
      rows.push({
        key: p.key,
        region: p.region,
        usd: p.usd,
        // A list price an admin changed is an override like a regional one.
        source: p.region !== '*' || p.updatedBy ? 'override' : 'list',
        pricedAt: p.updatedAt,
      });
    if (provider && regions.length > 0) {
      const cached = await this.fresh(provider, regions);
      rows.push(...cached.map((c) => ({ ...c, source: 'cache' as const, pricedAt: c.fetchedAt })));
      if (this.live.enabled(provider)) {
        const have = new Set(cached.map((c) => `${c.key}@${c.region}`));
        const missing = this.requests(provider, regions).filter((r) => !have.has(`${r.key}@${r.region}`));
        const fetched = await this.fetchAndStore(
          provider,
          missing,
          AbortSignal.timeout(SCAN_FETCH_BUDGET_MS),
        ).catch((error: Error) => {
          this.logger.warn(
            { err: error, provider },
            'Live prices unavailable; the scan uses the cache and list',
          );
          return [];
        });
        const now = new Date();
        rows.push(...fetched.map((f) => ({ ...f, source: 'live' as const, pricedAt: now })));
      }
    }
    return new PriceBook(rows);
  }

  /**
   * After a scan: keys it could not price that a price API knows (e.g. an instance type missing from the list) are
   * queued for fetching, so the next scan has them.
   */
  async requestMissing(
    provider: CloudProvider,
    scanId: string,
    pairs: Array<{ key: string; region: string }>,
  ) {
    if (provider === 'm365' || !this.live.enabled(provider)) return;
    const wanted = pairs.filter((p) => livePriceSpec(p.key)?.provider === provider);
    if (wanted.length === 0) return;
    await this.queue.enqueuePriceRefresh(`scan:${scanId}`, {
      pairs: wanted.map((p) => ({ provider, ...p })),
    });
  }

  /** Queues a refresh of every live price (the admin endpoint and the cron). */
  async enqueueRefresh(at: Date, manual: boolean): Promise<{ job_id: string }> {
    if (this.live.providers.length === 0)
      throw new ScansError(
        ScansErrorCode.LIVE_PRICING_NOT_CONFIGURED,
        'No live price source is configured (set PRICING_LIVE_PROVIDERS and its keys)',
      );
    const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
    return { job_id: await this.queue.enqueuePriceRefresh(`${manual ? 'manual' : 'tick'}:${minute}`) };
  }

  /** The job: fetch and cache live prices, provider by provider; a failing API does not stop the others. */
  async refresh(data: RefreshPricesData): Promise<RefreshResult> {
    const result: RefreshResult = { requested: 0, fetched: 0, failed: [] };
    for (const provider of this.live.providers) {
      let requests: LivePriceRequest[];
      if (data.pairs) {
        requests = data.pairs
          .filter((p) => p.provider === provider)
          .flatMap((p) => {
            const spec = livePriceSpec(p.key);
            return spec ? [{ key: p.key, region: p.region, spec }] : [];
          });
      } else {
        const regions = await this.regionsInUse(provider);
        // Keys fetched before (instance types met by scans) are renewed too.
        const known: Array<{ key: string; region: string }> = await this.cache.find({
          where: { provider },
          select: { key: true, region: true },
        });
        const seen = new Set<string>();
        requests = [
          ...this.requests(provider, regions),
          ...known.flatMap((k) => {
            const spec = livePriceSpec(k.key);
            return spec ? [{ ...k, spec }] : [];
          }),
        ].filter((r) => !seen.has(`${r.key}@${r.region}`) && seen.add(`${r.key}@${r.region}`));
      }
      result.requested += requests.length;
      try {
        result.fetched += (await this.fetchAndStore(provider, requests)).length;
      } catch (error) {
        result.failed.push({ provider, message: (error as Error).message });
      }
    }
    if (result.failed.length > 0 && result.fetched === 0)
      throw new Error(
        `Price refresh failed: ${result.failed.map((f) => `${f.provider}: ${f.message}`).join('; ')}`,
      );
    return result;
  }

  async stats(): Promise<PricingStats> {
    const since = new Date(Date.now() - this.config.pricing.cacheHours * HOUR_MS);
    const cached: Array<{
      provider: LivePriceProvider;
      fresh: string;
      stale: string;
      oldest: Date;
      newest: Date;
    }> = await this.dataSource.query(
      `SELECT provider, count(*) FILTER (WHERE fetched_at > $1) AS fresh,
                count(*) FILTER (WHERE fetched_at <= $1) AS stale,
                min(fetched_at) AS oldest, max(fetched_at) AS newest
         FROM scan_live_prices GROUP BY provider ORDER BY provider`,
      [since],
    );
    const [{ list, overrides }]: Array<{ list: string; overrides: string }> = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE region = '*' AND updated_by IS NULL) AS list,
              count(*) FILTER (WHERE region <> '*' OR updated_by IS NOT NULL) AS overrides
       FROM scan_prices`,
    );
    return {
      live_providers: this.live.providers,
      cache_hours: this.config.pricing.cacheHours,
      list_prices: Number(list),
      overrides: Number(overrides),
      cached: cached.map((c) => ({
        provider: c.provider,
        fresh: Number(c.fresh),
        stale: Number(c.stale),
        oldest_fetched_at: c.oldest ? new Date(c.oldest).toISOString() : null,
        newest_fetched_at: c.newest ? new Date(c.newest).toISOString() : null,
      })),
    };
  }

  async list(): Promise<Price[]> {
    return this.prices.find({ order: { key: 'ASC', region: 'ASC' } });
  }

  /** Sets the price of `key` in `region` (`*` changes the list price itself). */
  async set(key: string, region: string, usd: number, adminId: string): Promise<Price> {
    const base = await this.prices.findOneBy({ key, region: '*' });
    if (!base) throw new ScansError(ScansErrorCode.PRICE_NOT_FOUND, `No price '${key}'`);
    await this.prices.upsert(
      { key, region, usd, unit: base.unit, description: base.description, updatedBy: adminId },
      ['key', 'region'],
    );
    return this.prices.findOneByOrFail({ key, region });
  }

  async removeOverride(key: string, region: string): Promise<void> {
    if (region === '*')
      throw new ScansError(ScansErrorCode.PRICE_NOT_FOUND, 'List prices cannot be removed, only changed');
    const result = await this.prices.delete({ key, region });
    if (!result.affected)
      throw new ScansError(ScansErrorCode.PRICE_NOT_FOUND, `No override of '${key}' in ${region}`);
  }

  private fresh(provider: CloudProvider, regions: string[]): Promise<LivePrice[]> {
    const since = new Date(Date.now() - this.config.pricing.cacheHours * HOUR_MS);
    return this.cache
      .createQueryBuilder('p')
      .where('p.provider = :provider AND p.region = ANY(:regions) AND p.fetched_at > :since', {
        provider,
        regions,
        since,
      })
      .getMany();
  }

  /** Every static key of `provider` with a live source, in each region. */
  private requests(provider: CloudProvider, regions: string[]): LivePriceRequest[] {
    return LIVE_PRICE_KEYS.flatMap((key) => {
      const spec = livePriceSpec(key) as LivePriceSpec;
      return spec.provider === provider ? regions.map((region) => ({ key, region, spec })) : [];
    });
  }

  private async fetchAndStore(
    provider: CloudProvider,
    requests: LivePriceRequest[],
    signal?: AbortSignal,
  ): Promise<FetchedPrice[]> {
    if (requests.length === 0) return [];
    const fetched = await this.live.fetch(provider, requests, signal);
    if (fetched.length > 0)
      await this.cache.upsert(
        fetched.map((f) => ({ ...f, provider, fetchedAt: new Date() })),
        ['key', 'region'],
      );
    return fetched;
  }

  /** The regions the accounts of `provider` scan. */
  private async regionsInUse(provider: CloudProvider): Promise<string[]> {
    const rows: Array<{ region: string }> = await this.dataSource.query(
      `SELECT DISTINCT unnest(regions) AS region FROM cloud_accounts WHERE provider = $1`,
      [provider],
    );
    return rows.map((r) => r.region);
  }
}
