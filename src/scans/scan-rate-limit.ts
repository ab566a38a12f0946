import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { AuthEnv } from '../auth/auth.config.js';
import { extractAccessToken } from '../auth/strategies/token-extractor.js';
import { readEnv } from '../config/env.js';
import { ScansEnv } from './scans.config.js';

const jwt = new JwtService();

/**
 * The global throttler guard runs before authentication, so `req.user` is not set yet: the tracker reads the
 * user id from the access token itself, checked with the same secret, algorithm and issuer as the JWT strategy. A
 * request without a valid local token (it will be refused with 401 anyway) is tracked by address.
 */
export function userTracker(req: Record<string, unknown>): string {
  const token = extractAccessToken(req as unknown as Request);
  if (token) {
    const env = readEnv(AuthEnv, process.env);
    try {
      const payload = jwt.verify<{ sub: string }>(token, {
        secret: env.JWT_SECRET,
        algorithms: ['HS256'],
        issuer: env.JWT_ISSUER,
      });
      if (payload.sub) return `user:${payload.sub}`;
    } catch {
      // not one of ours: fall through to the address
    }
  }
  return `ip:${String(req.ip)}`;
}

/** `POST /scans`: SCANS_RATE_LIMIT per user per minute, read when a request comes. */
export const SCAN_REQUEST_LIMIT = {
  limit: () => readEnv(ScansEnv, process.env).SCANS_RATE_LIMIT,
  ttl: 60_000,
  getTracker: userTracker,
};
