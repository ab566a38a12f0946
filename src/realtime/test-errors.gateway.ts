import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { currentRequestId } from '../common/context/request-context.js';
import { WsContext } from '../common/context/ws-context.js';

/**
 * Loaded only when NODE_ENV=test (realtime.module.ts): no gateway handler of the product fails on any input (they
 * validate and answer `{error}`), so the test of error reporting needs one that throws, as a bug would.
 */
@WebSocketGateway({ namespace: '/test-errors' })
@WsContext()
export class TestErrorsGateway {
  @SubscribeMessage('fail')
  fail(): never {
    throw new Error(`A socket event handler failed in ${currentRequestId()} (test-only gateway)`);
  }
}
