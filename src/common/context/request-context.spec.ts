import { acceptRequestId } from './request-context.js';

describe('acceptRequestId', () => {
  it('keeps a safe caller id', () => {
    expect(acceptRequestId('trace-1.2:3_x')).toBe('trace-1.2:3_x');
  });

  it.each([undefined, '', 'has space', 'x'.repeat(129), '<script>', ['a', 'b']])(
    'replaces %p with a UUID',
    (value) => {
      expect(acceptRequestId(value)).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    },
  );
});
