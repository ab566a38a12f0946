import { Injectable, PipeTransform } from '@nestjs/common';
import { CommonError, CommonErrorCode } from '../../common/errors/domain-error.js';

/** Staging ids are positive bigints; they stay strings so no precision is lost. */
@Injectable()
export class StagingIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[1-9]\d{0,18}$/.test(value)) {
      throw new CommonError(CommonErrorCode.VALIDATION_FAILED, 'Staging id must be a positive integer');
    }
    return value;
  }
}
