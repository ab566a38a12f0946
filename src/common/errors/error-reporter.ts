import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { flushSentry, reportToSentry } from '../../instrument.js';
import { currentRequestId } from '../context/request-context.js';

/** Where an error happened: the kind of work that was running. */
export type ErrorContext = 'http' | 'bull' | 'cron' | 'mqtt' | 'ws' | 'cli' | 'process';

export interface ErrorReport {
  context: ErrorContext;
  /** The work's correlation id; the current one (AsyncLocalStorage) when omitted. */
  correlationId?: string;
  /** What identifies the work: queue and job id, cron name, MQTT topic, socket event, command. */
  tags?: Record<string, string | number | undefined>;
  /** The log line's message; the error's own message by default. */
  message?: string;
}

/**
 * The one way an unexpected error leaves the code that caught it, whatever ran it (a request, a Bull job, a cron
 * tick, an MQTT message, a socket event, a CLI command): an error log line carrying the correlation id and the
 * tags, and a Sentry event with the same tags when `SENTRY_DSN` is set. Sentry is flushed when the process shuts
 * down, so what was reported last is not lost with it.
 */
@Injectable()
export class ErrorReporter implements OnApplicationShutdown {
  private readonly logger = new Logger('ErrorReporter');

  report(error: unknown, { context, correlationId, tags = {}, message }: ErrorReport): void {
    const requestId = correlationId ?? currentRequestId();
    const defined = Object.fromEntries(
      Object.entries(tags).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
    );
    this.logger.error(
      { err: error, requestId, error_context: context, ...defined },
      message ?? `${context} error: ${error instanceof Error ? error.message : String(error)}`,
    );
    reportToSentry(error, { context, ...(requestId ? { correlation_id: requestId } : {}), ...defined });
  }

  /** Sends what is still buffered; the CLI calls it before `process.exit`. */
  flush(): Promise<void> {
    return flushSentry();
  }

  onApplicationShutdown(): Promise<void> {
    return this.flush();
  }
}
