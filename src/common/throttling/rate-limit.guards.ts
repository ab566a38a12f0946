import { applyDecorators, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { RateLimitRegistry } from './rate-limits.js';

const RATE_LIMIT = 'terrawatch:rate-limit';

/**
 * The global throttler (`THROTTLE_DEFAULT_LIMIT` per address), except on routes with a `@RateLimit` of their own:
 * those are counted once, by `RateLimitGuard`.
 */
@Injectable()
export class DefaultThrottlerGuard extends ThrottlerGuard {
  /** HTTP only: MQTT messages (the transport microservice inherits the global guards) are not rate limited. */
  override canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return Promise.resolve(true);
    return super.canActivate(context);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return rateLimitOf(this.reflector, context) !== undefined;
  }
}

/**
 * A route's named rate limit. It runs as a route guard, after the global ones, so Auth's guard has already set
 * `req.user` and a per-user limit counts the user without reading the token a second time.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly registry: RateLimitRegistry,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return rateLimitOf(this.reflector, context) === undefined;
  }

  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const policy = this.registry.get(rateLimitOf(this.reflector, request.context) as string);
    const byAddress = request.getTracker;
    return super.handleRequest({
      ...request,
      limit: policy.limit,
      ttl: policy.windowMs,
      blockDuration: policy.windowMs,
      getTracker: async (req, context) => {
        const user = (req as { user?: { id?: string } }).user;
        return policy.per === 'user' && user?.id ? `user:${user.id}` : `ip:${await byAddress(req, context)}`;
      },
    });
  }
}

/** Limits the route by the named policy that its module registered in `RateLimitRegistry`. */
export function RateLimit(name: string) {
  return applyDecorators(SetMetadata(RATE_LIMIT, name), UseGuards(RateLimitGuard));
}

function rateLimitOf(reflector: Reflector, context: ExecutionContext): string | undefined {
  return reflector.getAllAndOverride<string | undefined>(RATE_LIMIT, [
    context.getHandler(),
    context.getClass(),
  ]);
}
