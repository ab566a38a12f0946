import { DomainError } from '../common/errors/domain-error.js';

export enum SpeciesErrorCode {
  INVALID_PARAMETER = 'INVALID_PARAMETER',
  OBSERVATION_NOT_FOUND = 'OBSERVATION_NOT_FOUND',
  ETL_RUN_NOT_FOUND = 'ETL_RUN_NOT_FOUND',
  ETL_RUN_NOT_RESUMABLE = 'ETL_RUN_NOT_RESUMABLE',
  IMAGE_NOT_FOUND = 'IMAGE_NOT_FOUND',
  IMAGE_TOO_LARGE = 'IMAGE_TOO_LARGE',
  IMAGE_TYPE_UNSUPPORTED = 'IMAGE_TYPE_UNSUPPORTED',
  OBIS_UNAVAILABLE = 'OBIS_UNAVAILABLE',
}

export class SpeciesError extends DomainError<SpeciesErrorCode> {
  get status(): number {
    switch (this.code) {
      case SpeciesErrorCode.INVALID_PARAMETER:
        return 400;
      case SpeciesErrorCode.OBSERVATION_NOT_FOUND:
      case SpeciesErrorCode.ETL_RUN_NOT_FOUND:
      case SpeciesErrorCode.IMAGE_NOT_FOUND:
        return 404;
      case SpeciesErrorCode.ETL_RUN_NOT_RESUMABLE:
        return 409;
      case SpeciesErrorCode.IMAGE_TOO_LARGE:
        return 413;
      case SpeciesErrorCode.IMAGE_TYPE_UNSUPPORTED:
        return 415;
      case SpeciesErrorCode.OBIS_UNAVAILABLE:
        return 502;
    }
  }
}

/** A 400 naming the offending query parameter or field. */
export function invalidParameter(parameter: string, problem: string): SpeciesError {
  return new SpeciesError(SpeciesErrorCode.INVALID_PARAMETER, `${parameter} ${problem}`, [
    { field: parameter, problems: [`${parameter} ${problem}`] },
  ]);
}
