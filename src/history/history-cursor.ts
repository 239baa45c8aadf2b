// The opaque history cursor: the position (time, type, id) of the last item a page showed. Pure.
//
// History is ordered newest first by (at desc, type desc, id desc). Ties on time between sources are
// broken by type, so ids are only ever compared within one source — by the database, in its own
// collation — and never in JavaScript.
import { AppError } from '../lib/errors.ts';

export interface Position {
  at: number;
  type: string;
  id: string;
}

/** What a source must return to continue after a position: `at` below (or equal to) a bound. */
export type SourceBound =
  | { at: number; orEqual: boolean }
  /** Same type as the cursor's item: same time only with a lower id. */
  | { at: number; orEqual: false; sameAtIdBelow: string };

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.at, position.type, position.id])).toString('base64url');
}

const BAD = () => new AppError('bad_request', 'cursor is not one this API returned.');

export function decodeCursor(cursor: string): Position {
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(cursor)) throw BAD();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw BAD();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw BAD();
  const [at, type, id] = parsed as unknown[];
  if (
    typeof at !== 'number' ||
    !Number.isSafeInteger(at) ||
    at < 0 ||
    typeof type !== 'string' ||
    !/^[a-z_]{1,40}$/.test(type) ||
    typeof id !== 'string' ||
    !/^[A-Za-z0-9_-]{1,64}$/.test(id)
  ) {
    throw BAD();
  }
  return { at, type, id };
}

/** The bound for one source's items so that they all come after `position` in history order. */
export function boundFor(position: Position, type: string): SourceBound {
  if (type === position.type) return { at: position.at, orEqual: false, sameAtIdBelow: position.id };
  // At the same instant, types sort descending: a "lower" type comes after the cursor's item.
  return { at: position.at, orEqual: type < position.type };
}

/** Newest first; at the same instant by type, descending. Stable, so each source keeps its own id order. */
export function compareItems(a: { at: number; type: string }, b: { at: number; type: string }): number {
  if (a.at !== b.at) return b.at - a.at;
  return a.type === b.type ? 0 : a.type < b.type ? 1 : -1;
}
