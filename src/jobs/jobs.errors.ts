import { DomainError } from '../common/errors/domain-error.js';

export enum JobsErrorCode {
  UNKNOWN_KIND = 'UNKNOWN_KIND',
  FILE_MISSING = 'FILE_MISSING',
  FILE_TOO_LARGE = 'FILE_TOO_LARGE',
  BAD_MULTIPART = 'BAD_MULTIPART',
  EMPTY_FILE = 'EMPTY_FILE',
  NO_DATA_ROWS = 'NO_DATA_ROWS',
  MISSING_COLUMNS = 'MISSING_COLUMNS',
  MALFORMED_CSV = 'MALFORMED_CSV',
  /** Not a readable XLSX workbook, or it lacks the sheet asked for. */
  MALFORMED_XLSX = 'MALFORMED_XLSX',
  BINARY_FILE = 'BINARY_FILE',
  UNSUPPORTED_ENCODING = 'UNSUPPORTED_ENCODING',
  DUPLICATE_UPLOAD = 'DUPLICATE_UPLOAD',
  JOB_NOT_FOUND = 'JOB_NOT_FOUND',
  ISSUE_NOT_FOUND = 'ISSUE_NOT_FOUND',
  STAGING_ROW_NOT_FOUND = 'STAGING_ROW_NOT_FOUND',
  JOB_BUSY = 'JOB_BUSY',
  JOB_NOT_DELETABLE = 'JOB_NOT_DELETABLE',
  JOB_NOT_REPROCESSABLE = 'JOB_NOT_REPROCESSABLE',
  JOB_NOT_IN_REVIEW = 'JOB_NOT_IN_REVIEW',
  ISSUE_ALREADY_RESOLVED = 'ISSUE_ALREADY_RESOLVED',
  ISSUE_NEEDS_CORRECTION = 'ISSUE_NEEDS_CORRECTION',
  ROW_NOT_EDITABLE = 'ROW_NOT_EDITABLE',
  UNKNOWN_FIELD = 'UNKNOWN_FIELD',
  QUEUE_UNAVAILABLE = 'QUEUE_UNAVAILABLE',
  STORAGE_UNAVAILABLE = 'STORAGE_UNAVAILABLE',
}

export class JobsError extends DomainError<JobsErrorCode> {
  get status(): number {
    switch (this.code) {
      case JobsErrorCode.UNKNOWN_KIND:
      case JobsErrorCode.FILE_MISSING:
      case JobsErrorCode.BAD_MULTIPART:
      case JobsErrorCode.EMPTY_FILE:
      case JobsErrorCode.NO_DATA_ROWS:
      case JobsErrorCode.MISSING_COLUMNS:
      case JobsErrorCode.MALFORMED_CSV:
      case JobsErrorCode.MALFORMED_XLSX:
      case JobsErrorCode.UNKNOWN_FIELD:
        return 400;
      case JobsErrorCode.JOB_NOT_FOUND:
      case JobsErrorCode.ISSUE_NOT_FOUND:
      case JobsErrorCode.STAGING_ROW_NOT_FOUND:
        return 404;
      case JobsErrorCode.DUPLICATE_UPLOAD:
      case JobsErrorCode.JOB_BUSY:
      case JobsErrorCode.JOB_NOT_DELETABLE:
      case JobsErrorCode.JOB_NOT_REPROCESSABLE:
      case JobsErrorCode.JOB_NOT_IN_REVIEW:
      case JobsErrorCode.ISSUE_ALREADY_RESOLVED:
      case JobsErrorCode.ISSUE_NEEDS_CORRECTION:
      case JobsErrorCode.ROW_NOT_EDITABLE:
        return 409;
      case JobsErrorCode.FILE_TOO_LARGE:
        return 413;
      case JobsErrorCode.BINARY_FILE:
      case JobsErrorCode.UNSUPPORTED_ENCODING:
        return 415;
      case JobsErrorCode.QUEUE_UNAVAILABLE:
      case JobsErrorCode.STORAGE_UNAVAILABLE:
        return 503;
    }
  }
}
