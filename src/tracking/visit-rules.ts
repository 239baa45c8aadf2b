// When a page view continues the browser's current visit and when it starts a new one.
import { MINUTE_MS } from '../lib/time.ts';

export interface OpenVisit {
  id: string;
  lastSeenAt: number;
}

export type VisitDecision = { kind: 'continue'; visitId: string } | { kind: 'start' };

/**
 * A visit ends after `timeoutMinutes` without activity (the website's setting, 30 by default).
 * Activity exactly at the boundary still belongs to the visit; a clock that went backwards
 * (events from a slow retry) never splits a visit.
 */
export function decideVisit(
  latest: OpenVisit | undefined,
  now: number,
  timeoutMinutes: number,
): VisitDecision {
  if (!latest) return { kind: 'start' };
  const idleMs = now - latest.lastSeenAt;
  return idleMs <= timeoutMinutes * MINUTE_MS ? { kind: 'continue', visitId: latest.id } : { kind: 'start' };
}

/** Whether a visit last seen at `lastSeenAt` has ended by `now`: the next page view would start a new one. */
export const visitEnded = (lastSeenAt: number, now: number, timeoutMinutes: number): boolean =>
  decideVisit({ id: '', lastSeenAt }, now, timeoutMinutes).kind === 'start';
