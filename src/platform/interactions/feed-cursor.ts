// The opaque cursor of the global feed: the commit position (transaction, sequence) of the last log row
// a page read. Pure. On SQLite the transaction part is always "0" (one writer: the sequence alone is
// commit order); on PostgreSQL it is the writing transaction's id (xid8, 64 bits, kept as a string).
import { AppError } from '../../lib/errors.ts';

export interface FeedPosition {
  xid: string;
  seq: number;
}

/** Before the first interaction ever logged. */
export const FEED_START: FeedPosition = { xid: '0', seq: 0 };

export function encodeFeedCursor(position: FeedPosition): string {
  return Buffer.from(JSON.stringify([position.xid, position.seq])).toString('base64url');
}

const BAD = () => new AppError('bad_request', 'cursor is not one this API returned.');

export function decodeFeedCursor(cursor: string): FeedPosition {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(cursor)) throw BAD();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw BAD();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw BAD();
  const [xid, seq] = parsed as unknown[];
  if (
    typeof xid !== 'string' ||
    !/^(0|[1-9][0-9]{0,19})$/.test(xid) ||
    BigInt(xid) >= 2n ** 64n ||
    typeof seq !== 'number' ||
    !Number.isSafeInteger(seq) ||
    seq < 0
  ) {
    throw BAD();
  }
  return { xid, seq };
}

/** Commit order: by transaction, then by sequence within it (and on SQLite by sequence alone). */
export function compareFeedPositions(a: FeedPosition, b: FeedPosition): number {
  const ax = BigInt(a.xid);
  const bx = BigInt(b.xid);
  if (ax !== bx) return ax < bx ? -1 : 1;
  return a.seq - b.seq;
}
