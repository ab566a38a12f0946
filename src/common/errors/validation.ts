import { ValidationError, ValidationPipe } from '@nestjs/common';
import { CommonError, CommonErrorCode, FieldProblem } from './domain-error.js';

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Validation errors as a 400 with one `details` entry per bad field. */
export function validationError(errors: ValidationError[]): CommonError {
  const details = flatten(errors);
  const message = details.map((d) => d.problems.join(', ')).join('; ') || 'Request validation failed';
  return new CommonError(CommonErrorCode.VALIDATION_FAILED, message, details);
}

/** DTOs are whitelisted (unknown fields are refused), transformed and validated the same way everywhere. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: validationError,
  });
}
