import { findUnsafeInput, MAX_INPUT_DEPTH } from './input-guard.js';

describe('findUnsafeInput', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 'leaf';
    for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
    return value;
  };

  it('passes ordinary documents, numbers, nulls and depth up to the limit', () => {
    expect(findUnsafeInput({ a: [1, null, 'x', { b: true }] }, 'body')).toBeNull();
    expect(findUnsafeInput(nested(MAX_INPUT_DEPTH), 'body')).toBeNull();
    expect(findUnsafeInput(undefined, 'body')).toBeNull();
  });

  it('names the field holding a NUL character, in values and keys', () => {
    expect(findUnsafeInput({ a: [{ name: 'x\u0000y' }] }, 'body')).toEqual({
      path: 'body.a.0.name',
      reason: 'nul',
    });
    expect(findUnsafeInput({ ['k\u0000']: 1 }, 'query')).toEqual({ path: 'query.k\\0', reason: 'nul' });
  });

  it('refuses nesting past the limit without recursion, even 100,000 deep', () => {
    expect(findUnsafeInput(nested(MAX_INPUT_DEPTH + 1), 'body')?.reason).toBe('depth');
    expect(findUnsafeInput(nested(100_000), 'body')?.reason).toBe('depth');
  });
});
