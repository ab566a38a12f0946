/** Sensors' named rate limits (`@RateLimit`); registered by SensorsModule from its config. */
export enum SensorsRateLimit {
  /** `POST /sensors/readings`: SENSORS_HTTP_INGEST_PER_MINUTE per address. */
  HTTP_INGEST = 'sensors:http-ingest',
}
