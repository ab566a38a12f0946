/** Auth's named rate limits (`@RateLimit`), per address and minute; registered by AuthModule from `THROTTLE_*`. */
export enum AuthRateLimit {
  LOGIN = 'auth:login',
  REGISTER = 'auth:register',
  REFRESH = 'auth:refresh',
}
