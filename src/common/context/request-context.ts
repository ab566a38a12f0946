import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** The correlation id of the work in progress, carried across awaits by Node's AsyncLocalStorage. */
const context = new AsyncLocalStorage<{ requestId: string }>();

export const REQUEST_ID_HEADER = 'x-request-id';
const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller's X-Request-ID when it is safe to echo and log, else a fresh UUID. */
export function acceptRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && VALID_ID.test(candidate) ? candidate : randomUUID();
}

/** The correlation id of the HTTP request, MQTT message or job being handled, if any. */
export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}

/**
 * Runs `fn` with `requestId` (or a fresh id when it is missing or unsafe) as the correlation id: each HTTP request
 * (app.setup.ts), and work that starts outside HTTP (MQTT messages, queued jobs, CLI commands), so their logs carry
 * the id of the request that caused them. A nested call overrides the outer id for its own duration.
 */
export function runWithRequestId<T>(requestId: string | undefined, fn: () => T): T {
  return context.run({ requestId: acceptRequestId(requestId) }, fn);
}

/** Job payload field that carries the correlation id from the enqueuer to the worker. */
export interface WithRequestId {
  requestId?: string;
}

/** Adds the current correlation id to a job's data. */
export function withRequestId<T extends object>(data: T): T & WithRequestId {
  return { ...data, requestId: currentRequestId() };
}
