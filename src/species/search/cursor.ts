import { invalidParameter } from '../species.errors.js';

/** Keyset position: the last row's id, and its distance for radius searches. */
export interface KeysetCursor {
  id: string;
  distance?: number;
}

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(value: string, withDistance: boolean): KeysetCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw invalidParameter('cursor', 'is not a cursor returned by this endpoint');
  }
  const c = parsed as Partial<KeysetCursor> | null;
  const idOk = typeof c?.id === 'string' && /^\d{1,19}$/.test(c.id);
  const distanceOk = withDistance
    ? typeof c?.distance === 'number' && Number.isFinite(c.distance)
    : c?.distance === undefined;
  if (!idOk || !distanceOk) throw invalidParameter('cursor', 'does not belong to this kind of search');
  return { id: (c as KeysetCursor).id, distance: c?.distance };
}
