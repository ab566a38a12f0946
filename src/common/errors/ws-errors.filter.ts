import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io';
import { currentRequestId } from '../context/request-context.js';
import { DomainError } from './domain-error.js';
import { ErrorReporter } from './error-reporter.js';

/**
 * What a Socket.IO gateway's event handler throws (`@UseFilters(WsErrorsFilter)` on every gateway: the app's
 * global filter does not reach gateways). The client gets Nest's usual `exception` event. A refusal meant for the
 * client (`WsException`, a domain error below 500) says why; anything else is reported with a correlation id (the
 * handler's, else a new one), which the client also gets so that a user can quote it.
 */
@Catch()
export class WsErrorsFilter implements ExceptionFilter {
  constructor(private readonly reporter: ErrorReporter) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const socket = ws.getClient<Socket>();
    const event = String(ws.getPattern());
    if (exception instanceof WsException || (exception instanceof DomainError && exception.status < 500)) {
      const message = exception instanceof WsException ? exception.getError() : exception.message;
      socket.emit('exception', { status: 'error', message, cause: { pattern: event } });
      return;
    }
    const requestId = currentRequestId() ?? `ws:${randomUUID()}`;
    this.reporter.report(exception, {
      context: 'ws',
      correlationId: requestId,
      tags: { namespace: socket.nsp?.name, ws_event: event, socket_id: socket.id },
    });
    socket.emit('exception', {
      status: 'error',
      message: 'Internal server error',
      requestId,
      cause: { pattern: event },
    });
  }
}
