import { Injectable } from '@nestjs/common';

export interface RateLimitPolicy {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
  /**
   * Who is counted: the caller's address, or the signed-in user (Auth's guard has already authenticated the
   * request when the route's rate limit runs; an anonymous caller is counted by address).
   */
  per: 'ip' | 'user';
}

/**
 * Named rate limits that routes pick with `@RateLimit(name)`. Each module registers its own at start-up from its
 * validated config, so no limit is read from the environment on a request.
 */
@Injectable()
export class RateLimitRegistry {
  private readonly policies = new Map<string, RateLimitPolicy>();

  register(name: string, policy: RateLimitPolicy): void {
    this.policies.set(name, policy);
  }

  get(name: string): RateLimitPolicy {
    const policy = this.policies.get(name);
    if (!policy) throw new Error(`No rate limit named "${name}" was registered`);
    return policy;
  }
}
