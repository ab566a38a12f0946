import { costLine, finding } from '../rules/finding.js';
import { PriceBook } from './price-book.js';

const at = new Date('2026-06-01T00:00:00Z');
const book = new PriceBook([
  { key: 'k', region: '*', usd: 1 },
  { key: 'k', region: 'eu-west-1', usd: 3, source: 'cache', pricedAt: at },
  { key: 'k', region: 'us-east-1', usd: 2, source: 'live', pricedAt: at },
  { key: 'k', region: 'us-east-1', usd: 5 },
  { key: 'j', region: '*', usd: 4 },
  { key: 'j', region: 'eu-west-1', usd: 6, source: 'cache', pricedAt: at },
]);

describe('PriceBook', () => {
  it('prefers an override, then a live or cached price, then the list', () => {
    expect(book.quote('k', 'us-east-1')).toEqual({ usd: 5, source: 'override', pricedAt: null });
    expect(book.quote('k', 'eu-west-1')).toEqual({ usd: 3, source: 'cache', pricedAt: at });
    expect(book.quote('k', 'ap-south-1')).toEqual({ usd: 1, source: 'list', pricedAt: null });
    expect(book.quote('j', 'eu-west-1')?.source).toBe('cache');
  });

  it('an admin-changed list price beats a provider price', () => {
    const changed = new PriceBook([
      { key: 'k', region: '*', usd: 9, source: 'override' },
      { key: 'k', region: 'eu-west-1', usd: 3, source: 'cache', pricedAt: at },
    ]);
    expect(changed.quote('k', 'eu-west-1')).toMatchObject({ usd: 9, source: 'override' });
  });

  it('knows no price for an unknown key rather than zero', () => {
    expect(book.quote('nope', 'us-east-1')).toBeUndefined();
    expect(book.price('nope', 'us-east-1')).toBeUndefined();
  });
});

describe('costLine and finding', () => {
  it('marks a line without a price, and the finding, as cost unknown', () => {
    const lines = [
      costLine(book, 'eu-west-1', 'k', 2, 'known'),
      costLine(book, 'eu-west-1', 'nope', 3, 'unknown'),
    ];
    expect(lines[0]).toEqual({
      item: 'known',
      price_key: 'k',
      quantity: 2,
      unit_price: 3,
      monthly: 6,
      price_source: 'cache',
      priced_at: at.toISOString(),
      cost_unknown: false,
    });
    expect(lines[1]).toMatchObject({ unit_price: null, monthly: 0, price_source: null, cost_unknown: true });
    const f = finding({
      resourceType: 't',
      resourceId: 'r',
      region: 'eu-west-1',
      ageDays: 10,
      reason: 'x',
      costs: lines,
    });
    expect(f.monthlyCost).toBe(6);
    expect(f.metadata.cost_unknown).toBe(true);
  });
});
