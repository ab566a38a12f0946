import type { LivePriceSpec } from './live-catalog.js';

/** One key in one region, to be priced by a provider's price API. */
export interface LivePriceRequest<S extends LivePriceSpec = LivePriceSpec> {
  key: string;
  region: string;
  spec: S;
}

/** What a price API said about a request: USD per unit of the key. */
export interface FetchedPrice {
  key: string;
  region: string;
  usd: number;
  unit: string;
  sku: string | null;
}

/** A provider's price API. Requests it cannot price are left out of the answer (the list table then applies). */
export interface LivePriceClient<S extends LivePriceSpec = LivePriceSpec> {
  fetch(requests: LivePriceRequest<S>[], signal?: AbortSignal): Promise<FetchedPrice[]>;
}

/** A price API answered with something other than success. */
export class PriceApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** GETs JSON, with the API's error body in the message when it fails. */
export async function getJson<T>(
  url: string,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const res = await fetch(url, {
    headers: { Accept: 'application/json' },
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  if (!res.ok)
    throw new PriceApiError(
      `${new URL(url).host} answered ${res.status}: ${(await res.text()).slice(0, 300)}`,
      res.status,
    );
  return (await res.json()) as T;
}
