/** A price row as the scan needs it. */
export interface PriceRow {
  key: string;
  region: string;
  usd: number;
}

/**
 * Prices in force for one scan: a region's override wins over the list price (`*`). Loaded once per scan so the
 * rules stay pure functions.
 */
export class PriceBook {
  private readonly prices = new Map<string, number>();

  constructor(rows: PriceRow[]) {
    for (const row of rows) this.prices.set(`${row.key}@${row.region}`, row.usd);
  }

  /** The price of `key` in `region`; 0 for an unknown key (the cost line then shows a zero unit price). */
  price(key: string, region: string): number {
    return this.prices.get(`${key}@${region}`) ?? this.prices.get(`${key}@*`) ?? 0;
  }
}
