export type Confidence = 'low' | 'medium' | 'high' | 'critical';

/** How sure we are that an idle resource is waste grows with how long it has been idle. */
export function confidenceFromAge(ageDays: number | null): Confidence {
  if (ageDays === null) return 'low';
  if (ageDays >= 90) return 'critical';
  if (ageDays >= 30) return 'high';
  if (ageDays >= 7) return 'medium';
  return 'low';
}

const DAY_MS = 86_400_000;

/** Whole days between `since` and `now`; null when `since` is unknown or unparseable. */
export function daysSince(since: Date | string | undefined | null, now: Date): number | null {
  if (since === undefined || since === null) return null;
  const time = since instanceof Date ? since.getTime() : Date.parse(since);
  if (Number.isNaN(time)) return null;
  return Math.max(0, Math.floor((now.getTime() - time) / DAY_MS));
}
