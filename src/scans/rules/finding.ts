import type { CostLine, ResourceMetadata } from '../entities/orphan-resource.entity.js';
import type { PriceBook } from '../pricing/price-book.js';
import type { RuleSettings } from './catalog.js';
import { confidenceFromAge } from './confidence.js';

/** What a rule needs besides the resource: where, when, at what prices, with which of the owner's settings. */
export interface RuleContext {
  region: string;
  now: Date;
  prices: PriceBook;
  settings: RuleSettings;
}

/** One orphaned resource, as a rule reports it. */
export interface Finding {
  resourceType: string;
  resourceId: string;
  name: string | null;
  region: string;
  /** The known part of the cost; `metadata.cost_unknown` says when some of it could not be priced. */
  monthlyCost: number;
  metadata: ResourceMetadata;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * A priced quantity: `quantity` units of `key` in `region`, with where its price came from. A key no source knows
 * gives a line with `cost_unknown: true` and no price (never a made-up $0).
 */
export function costLine(
  prices: PriceBook,
  region: string,
  key: string,
  quantity: number,
  item = key,
): CostLine {
  const quote = prices.quote(key, region);
  if (!quote)
    return {
      item,
      price_key: key,
      quantity,
      unit_price: null,
      monthly: 0,
      price_source: null,
      priced_at: null,
      cost_unknown: true,
    };
  return {
    item,
    price_key: key,
    quantity,
    unit_price: quote.usd,
    monthly: round2(quantity * quote.usd),
    price_source: quote.source,
    priced_at: quote.pricedAt?.toISOString() ?? null,
    cost_unknown: false,
  };
}

export function finding(input: {
  resourceType: string;
  resourceId: string;
  name?: string | null;
  region: string;
  ageDays: number | null;
  /** The age confidence is judged on, when it differs from the resource's age (e.g. days since last I/O). */
  idleDays?: number | null;
  reason: string;
  costs: CostLine[];
  details?: Record<string, unknown>;
}): Finding {
  const monthly = round2(input.costs.reduce((sum, line) => sum + line.monthly, 0));
  // A resource with nothing to price (e.g. a stopped instance whose volumes are gone) is not "unknown"; one
  // whose only lines lack a price is.
  const costUnknown = input.costs.some((line) => line.cost_unknown === true);
  return {
    resourceType: input.resourceType,
    resourceId: input.resourceId,
    name: input.name ?? null,
    region: input.region,
    monthlyCost: monthly,
    metadata: {
      ...input.details,
      age_days: input.ageDays,
      reason: input.reason,
      confidence: confidenceFromAge(input.idleDays === undefined ? input.ageDays : input.idleDays),
      cost_breakdown: input.costs,
      cost_unknown: costUnknown,
    },
  };
}
