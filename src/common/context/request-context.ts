import { randomUUID } from 'node:crypto';
import { CLS_ID, ClsServiceManager } from 'nestjs-cls';

export const REQUEST_ID_HEADER = 'x-request-id';
const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller's X-Request-ID when it is safe to echo and log, else a fresh UUID. */
export function acceptRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && VALID_ID.test(candidate) ? candidate : randomUUID();
}

/** The correlation id of the HTTP request, MQTT message or job being handled, if any. */
export function currentRequestId(): string | undefined {
  const cls = ClsServiceManager.getClsService();
  return cls.isActive() ? cls.getId() : undefined;
}

/**
 * Runs `fn` with `requestId` as the correlation id, for work that starts outside HTTP (MQTT messages, queued jobs,
 * CLI commands), so their logs carry the id of the request that caused them.
 */
export function runWithRequestId<T>(requestId: string | undefined, fn: () => T): T {
  const cls = ClsServiceManager.getClsService();
  return cls.run({ ifNested: 'override' }, () => {
    cls.set(CLS_ID, acceptRequestId(requestId));
    return fn();
  });
}

/** Job payload field that carries the correlation id from the enqueuer to the worker. */
export interface WithRequestId {
  requestId?: string;
}

/** Adds the current correlation id to a job's data. */
export function withRequestId<T extends object>(data: T): T & WithRequestId {
  return { ...data, requestId: currentRequestId() };
}
