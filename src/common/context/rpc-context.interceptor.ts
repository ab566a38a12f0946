import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { runWithRequestId } from './request-context.js';

interface PacketLike {
  properties?: { userProperties?: Record<string, string | string[]> };
}

/**
 * Gives every MQTT (or other transport) message a correlation id, as HTTP requests get one: the MQTT v5 user
 * property `x-request-id`, else the payload's `request_id`, else a new UUID.
 */
@Injectable()
export class RpcContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const rpc = context.switchToRpc();
    const packet = (rpc.getContext() as { getPacket?: () => PacketLike })?.getPacket?.();
    const fromProperty = packet?.properties?.userProperties?.['x-request-id'];
    const data = rpc.getData() as { request_id?: unknown } | undefined;
    const candidate = (Array.isArray(fromProperty) ? fromProperty[0] : fromProperty) ?? data?.request_id;
    return new Observable((subscriber) =>
      runWithRequestId(typeof candidate === 'string' ? candidate : undefined, () =>
        next.handle().subscribe(subscriber),
      ),
    );
  }
}
