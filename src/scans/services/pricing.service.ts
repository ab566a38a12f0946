import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Price } from '../entities/price.entity.js';
import { ScansError, ScansErrorCode } from '../scans.errors.js';
import { LIST_PRICES } from '../pricing/list-prices.js';
import { PriceBook } from '../pricing/price-book.js';

/** The pricing table: list prices seeded by the migration, per-region overrides set by admins. */
@Injectable()
export class PricingService {
  constructor(@InjectRepository(Price) private readonly prices: Repository<Price>) {}

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

  /** The prices in force: the table over the built-in list prices (so a missing row never prices at zero). */
  async book(): Promise<PriceBook> {
    return new PriceBook([...LIST_PRICES.map((p) => ({ ...p, region: '*' })), ...(await this.prices.find())]);
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
}
