// The opaque cursor of a contact's interactions: the position (time, source, id) of the last item a page
// showed. Pure.
//
// A contact's interactions are ordered newest first by (at desc, source desc, id desc). Ties on time
// between sources are broken by source name, so ids are only ever compared within one source — by the
// database, in its own collation — and never in JavaScript.
import { AppError } from '../../lib/errors.ts';
import type { SourceBound } from './interaction.ts';

export interface ContactPosition {
  at: number;
  source: string;
  id: string;
}

export function encodeContactCursor(position: ContactPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.source, position.id])).toString('base64url');
}

const BAD = () => new AppError('bad_request', 'cursor is not one this API returned.');

export function decodeContactCursor(cursor: string): ContactPosition {
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(cursor)) throw BAD();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw BAD();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw BAD();
  const [at, source, id] = parsed as unknown[];
  if (
    typeof at !== 'number' ||
    !Number.isSafeInteger(at) ||
    at < 0 ||
    typeof source !== 'string' ||
    !SOURCE_NAME.test(source) ||
    typeof id !== 'string' ||
    !/^[A-Za-z0-9_.-]{1,100}$/.test(id)
  ) {
    throw BAD();
  }
  return { at, source, id };
}

/** What a source's name may be (it travels in cursors). */
export const SOURCE_NAME = /^[a-z_]{1,40}$/;

/** The bound for one source's items so that they all come after `position` in newest-first order. */
export function boundFor(position: ContactPosition, source: string): SourceBound {
  if (source === position.source) return { at: position.at, orEqual: false, sameAtIdBelow: position.id };
  // At the same instant, sources sort descending: a "lower" source comes after the cursor's item.
  return { at: position.at, orEqual: source < position.source };
}

/** Newest first; at the same instant by source, descending. Stable, so each source keeps its own id order. */
export function compareNewestFirst(
  a: { at: number; source: string },
  b: { at: number; source: string },
): number {
  if (a.at !== b.at) return b.at - a.at;
  return a.source === b.source ? 0 : a.source < b.source ? 1 : -1;
}
