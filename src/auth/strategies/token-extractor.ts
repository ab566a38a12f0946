import type { Request } from 'express';
import { ExtractJwt } from 'passport-jwt';

export const ACCESS_COOKIE = 'access_token';
export const REFRESH_COOKIE = 'refresh_token';

/** Bearer header first, then the HttpOnly cookie. */
export const extractAccessToken = ExtractJwt.fromExtractors([
  ExtractJwt.fromAuthHeaderAsBearerToken(),
  (req: Request) => (req?.cookies?.[ACCESS_COOKIE] as string | undefined) ?? null,
]);
