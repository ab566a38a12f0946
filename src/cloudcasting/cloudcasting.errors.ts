import { DomainError } from '../common/errors/domain-error.js';

export enum CloudcastingErrorCode {
  UNKNOWN_CHANNEL = 'UNKNOWN_CHANNEL',
  STEP_OUT_OF_RANGE = 'STEP_OUT_OF_RANGE',
  POINT_OUTSIDE_GRID = 'POINT_OUTSIDE_GRID',
  NO_FORECAST = 'NO_FORECAST',
  LAYER_NOT_FOUND = 'LAYER_NOT_FOUND',
  DOWNLOAD_RUNNING = 'DOWNLOAD_RUNNING',
  SOURCE_NOT_CONFIGURED = 'SOURCE_NOT_CONFIGURED',
  SOURCE_EMPTY = 'SOURCE_EMPTY',
  SOURCE_UNREACHABLE = 'SOURCE_UNREACHABLE',
  INVALID_STORE = 'INVALID_STORE',
  SET_NOT_FOUND = 'SET_NOT_FOUND',
  INVALID_TILE = 'INVALID_TILE',
  INVALID_RESCALE = 'INVALID_RESCALE',
}

export class CloudcastingError extends DomainError<CloudcastingErrorCode> {
  get status(): number {
    switch (this.code) {
      case CloudcastingErrorCode.UNKNOWN_CHANNEL:
      case CloudcastingErrorCode.STEP_OUT_OF_RANGE:
      case CloudcastingErrorCode.POINT_OUTSIDE_GRID:
      case CloudcastingErrorCode.INVALID_TILE:
      case CloudcastingErrorCode.INVALID_RESCALE:
        return 400;
      case CloudcastingErrorCode.NO_FORECAST:
      case CloudcastingErrorCode.LAYER_NOT_FOUND:
      case CloudcastingErrorCode.SET_NOT_FOUND:
        return 404;
      case CloudcastingErrorCode.DOWNLOAD_RUNNING:
        return 409;
      case CloudcastingErrorCode.SOURCE_UNREACHABLE:
      case CloudcastingErrorCode.INVALID_STORE:
        return 502;
      case CloudcastingErrorCode.SOURCE_NOT_CONFIGURED:
      case CloudcastingErrorCode.SOURCE_EMPTY:
        return 503;
    }
  }
}
