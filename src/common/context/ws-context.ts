import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Observable } from 'rxjs';
import { WsErrorsFilter } from '../errors/ws-errors.filter.js';
import { runWithRequestId } from './request-context.js';

/** Runs each socket event's handler in a correlation id of its own (`ws:<uuid>`), as HTTP requests and jobs run. */
@Injectable()
export class WsRequestContextInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const requestId = `ws:${randomUUID()}`;
    // Subscribed inside the id: the handler runs in it, and so does the exception filter when the handler throws
    // (a synchronous throw is delivered during the subscription, a rejection in the handler's own context).
    return new Observable((subscriber) =>
      runWithRequestId(requestId, () => next.handle().subscribe(subscriber)),
    );
  }
}

/**
 * On every gateway: each event handled in its own correlation id, and what a handler throws unexpectedly reported
 * with it (`WsErrorsFilter`). The app's global interceptors and filter do not reach gateways.
 */
export function WsContext(): ClassDecorator {
  return applyDecorators(UseInterceptors(WsRequestContextInterceptor), UseFilters(WsErrorsFilter));
}
