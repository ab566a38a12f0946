import type { NextFunction, Request, Response } from 'express';
import { CommonError, CommonErrorCode } from '../errors/domain-error.js';

/** The deepest JSON a request may carry (as deep as an MQTT reading's payload may be); deeper is refused, not parsed. */
export const MAX_INPUT_DEPTH = 128;

/**
 * Finds what no route can store or walk safely: a NUL character in any string or key (PostgreSQL's text cannot hold
 * one), or nesting deeper than `maxDepth`. Iterative, so a hostile 100,000-deep document cannot overflow the stack
 * here either. Returns the offending path (`body.a.0.b`) and why, or null.
 */
export function findUnsafeInput(
  value: unknown,
  root: string,
  maxDepth = MAX_INPUT_DEPTH,
): { path: string; reason: 'nul' | 'depth' } | null {
  const stack: Array<[unknown, string, number]> = [[value, root, 0]];
  while (stack.length > 0) {
    const [current, path, depth] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return { path, reason: 'nul' };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) return { path, reason: 'depth' };
    for (const [key, child] of Object.entries(current)) {
      if (key.includes('\u0000')) return { path: `${path}.${key.replace(/\u0000/g, '\\0')}`, reason: 'nul' };
      stack.push([child, `${path}.${key}`, depth + 1]);
    }
  }
  return null;
}

/**
 * Express middleware, after the body parsers: refuses a request whose path, query or parsed body holds a NUL
 * character or is nested deeper than MAX_INPUT_DEPTH, with 400 before any route, pipe or query sees it.
 */
export function inputGuard(req: Request, _res: Response, next: NextFunction): void {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    return next(new CommonError(CommonErrorCode.BAD_REQUEST, 'The URL path is not valid percent-encoding'));
  }
  const found = path.includes('\u0000')
    ? { path: 'path', reason: 'nul' as const }
    : (findUnsafeInput(req.query, 'query') ?? findUnsafeInput(req.body, 'body'));
  if (!found) return next();
  // A field's value is wrong: said as the validation pipe says it (it never gets to see the value), one `details`
  // entry naming the field.
  const problem =
    found.reason === 'nul'
      ? 'contains a NUL character, which no field accepts'
      : `is nested deeper than ${MAX_INPUT_DEPTH} levels`;
  const field = found.path.replace(/^(body|query)\.?/, '') || found.path;
  next(
    new CommonError(CommonErrorCode.VALIDATION_FAILED, `${found.path} ${problem}`, [
      { field, problems: [`${field} ${problem}`] },
    ]),
  );
}
