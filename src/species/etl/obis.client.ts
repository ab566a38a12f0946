import { Inject, Injectable, Logger } from '@nestjs/common';
import { speciesConfig, type SpeciesConfig } from '../species.config.js';
import { SpeciesError, SpeciesErrorCode } from '../species.errors.js';
import type { ObisPage } from './obis-record.js';

export interface OccurrenceQuery {
  geometry?: string;
  taxonId?: string;
  scientificName?: string;
  startDate?: string;
  endDate?: string;
  size: number;
  /** `id` of the last record of the previous page. */
  after?: string | null;
}

export const MAX_PAGE_SIZE = 10000;

/**
 * OBIS API v3 `GET /v3/occurrence`. Pages by the `after` cursor (offsets are unreliable for deep pages), retries
 * 429, 5xx, network errors and time-outs with exponential back-off (honouring Retry-After), and waits a polite delay
 * before every page but the first.
 */
@Injectable()
export class ObisClient {
  private readonly logger = new Logger(ObisClient.name);
  private lastRequestAt = 0;

  constructor(@Inject(speciesConfig.KEY) private readonly config: SpeciesConfig) {}

  async occurrences(query: OccurrenceQuery): Promise<ObisPage> {
    const url = this.url(query);
    const { maxRetries, retryBaseMs, timeoutMs } = this.config.obis;
    for (let attempt = 0; ; attempt++) {
      await this.politeDelay();
      let retryAfterMs: number | undefined;
      let problem: string;
      try {
        const res = await fetch(url, {
          headers: { Accept: 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.ok) return validatePage(await res.json());
        await res.body?.cancel();
        problem = `HTTP ${res.status}`;
        if (res.status !== 429 && res.status < 500)
          throw new SpeciesError(
            SpeciesErrorCode.OBIS_UNAVAILABLE,
            `OBIS refused ${url.pathname}: ${problem}`,
          );
        const retryAfter = Number(res.headers.get('retry-after'));
        if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterMs = Math.min(retryAfter * 1000, 60_000);
      } catch (error) {
        if (error instanceof SpeciesError) throw error;
        problem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      if (attempt >= maxRetries)
        throw new SpeciesError(
          SpeciesErrorCode.OBIS_UNAVAILABLE,
          `OBIS failed after ${attempt + 1} attempt(s): ${problem}`,
        );
      const wait = retryAfterMs ?? retryBaseMs * 2 ** attempt;
      this.logger.warn(`OBIS ${problem}; retry ${attempt + 1}/${maxRetries} in ${wait} ms`);
      await sleep(wait);
    }
  }

  private url(query: OccurrenceQuery): URL {
    const url = new URL(`${this.config.obis.baseUrl}/v3/occurrence`);
    const params: Record<string, string | undefined> = {
      geometry: query.geometry,
      taxonid: query.taxonId,
      scientificname: query.scientificName,
      startdate: query.startDate,
      enddate: query.endDate,
      size: String(Math.min(Math.max(query.size, 1), MAX_PAGE_SIZE)),
      after: query.after ?? undefined,
    };
    for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
    return url;
  }

  private async politeDelay(): Promise<void> {
    const wait = this.lastRequestAt + this.config.obis.pageDelayMs - Date.now();
    if (wait > 0) await sleep(wait);
    this.lastRequestAt = Date.now();
  }
}

function validatePage(body: unknown): ObisPage {
  const page = body as Partial<ObisPage> | null;
  if (!page || !Array.isArray(page.results))
    throw new SpeciesError(SpeciesErrorCode.OBIS_UNAVAILABLE, 'OBIS answered without a results array');
  return { total: typeof page.total === 'number' ? page.total : 0, results: page.results };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
