import { ValidationError } from '@nestjs/common';
import { validationError } from './validation.js';

describe('validationError', () => {
  it('lists one entry per bad field, nested fields by path', () => {
    const child: ValidationError = {
      property: 'lat',
      constraints: { max: 'lat must not be greater than 90' },
      children: [],
    };
    const errors: ValidationError[] = [
      { property: 'email', constraints: { isEmail: 'email must be an email' }, children: [] },
      { property: 'location', children: [child] },
    ];
    const error = validationError(errors);
    expect(error.status).toBe(400);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual([
      { field: 'email', problems: ['email must be an email'] },
      { field: 'location.lat', problems: ['lat must not be greater than 90'] },
    ]);
  });
});
