import { acceptRequestId, currentRequestId, runWithRequestId } from './request-context.js';

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

describe('runWithRequestId', () => {
  it('carries the id across awaits, overrides it when nested, and forgets it outside', async () => {
    expect(currentRequestId()).toBeUndefined();
    await runWithRequestId('outer', async () => {
      await new Promise((r) => setTimeout(r, 5));
      expect(currentRequestId()).toBe('outer');
      await runWithRequestId('inner', async () => {
        await Promise.resolve();
        expect(currentRequestId()).toBe('inner');
      });
      expect(currentRequestId()).toBe('outer');
    });
    expect(currentRequestId()).toBeUndefined();
  });

  it('gives unsafe or missing ids a fresh one', () => {
    runWithRequestId('bad id\n', () => expect(currentRequestId()).toMatch(/^[0-9a-f-]{36}$/));
    runWithRequestId(undefined, () => expect(currentRequestId()).toMatch(/^[0-9a-f-]{36}$/));
  });
});
