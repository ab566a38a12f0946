/** Scans' named rate limits (`@RateLimit`); registered by ScansModule from its config. */
export enum ScansRateLimit {
  /** `POST /scans`: SCANS_RATE_LIMIT per signed-in user and minute. */
  SCAN_REQUEST = 'scans:scan-request',
}
