/** Where a unit price came from: an admin's override, the provider's price API (this scan, or the 24 h cache), the list table. */
export type PriceSource = 'override' | 'live' | 'cache' | 'list';
export const PRICE_SOURCES: PriceSource[] = ['override', 'live', 'cache', 'list'];

/** A price row as the scan needs it. `source` defaults to `list` for region `*` and `override` otherwise. */
export interface PriceRow {
  key: string;
  region: string;
  usd: number;
  source?: PriceSource;
  pricedAt?: Date | null;
}

/** A unit price with its provenance. */
export interface PriceQuote {
  usd: number;
  source: PriceSource;
  pricedAt: Date | null;
}

/** Which source wins when several know a key: an override, then the provider's own price, then the list. */
const RANK: Record<PriceSource, number> = { override: 0, live: 1, cache: 2, list: 3 };

/**
 * Prices in force for one scan. For a key in a region: an admin's override of that region, else an admin's change
 * of the list price, else the provider's price for that region (fetched now or cached), else the list price (`*`).
 * Loaded once per scan so the rules stay pure functions. A key nobody knows has no price: it is never priced at 0.
 */
export class PriceBook {
  private readonly regional = new Map<string, PriceQuote>();
  private readonly global = new Map<string, PriceQuote>();

  constructor(rows: PriceRow[]) {
    for (const row of rows) {
      const source = row.source ?? (row.region === '*' ? 'list' : 'override');
      const quote = { usd: row.usd, source, pricedAt: row.pricedAt ?? null };
      const map = row.region === '*' ? this.global : this.regional;
      const id = row.region === '*' ? row.key : `${row.key}@${row.region}`;
      const held = map.get(id);
      if (!held || RANK[source] <= RANK[held.source]) map.set(id, quote);
    }
  }

  /** The price of `key` in `region` and where it came from; undefined when no source knows it. */
  quote(key: string, region: string): PriceQuote | undefined {
    const local = this.regional.get(`${key}@${region}`);
    const global = this.global.get(key);
    if (local?.source === 'override') return local;
    if (global?.source === 'override') return global;
    return local ?? global;
  }

  /** The unit price of `key` in `region`, or undefined when it is unknown. */
  price(key: string, region: string): number | undefined {
    return this.quote(key, region)?.usd;
  }
}
