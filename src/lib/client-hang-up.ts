// Whether an error only says that the client went away before its request was complete (a closed tab, a
// dropped connection): nothing went wrong in Spoor, so it is logged at debug, not as an unhandled error.
import type { IncomingMessage } from 'node:http';

/** What Node and stream pipelines raise when the peer disconnects mid-body. */
const HANG_UP_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);
const HANG_UP_MESSAGES = new Set(['aborted', 'Premature close', 'socket hang up']);

/**
 * Both must hold: the error is a disconnect error, and this request's own client is gone. A reset of
 * another connection (a database socket) while the client still waits is a real failure.
 */
export function isClientHangUp(error: { code?: unknown; message?: unknown }, clientGone: boolean): boolean {
  if (!clientGone) return false;
  return (
    (typeof error.code === 'string' && HANG_UP_CODES.has(error.code)) ||
    (typeof error.message === 'string' && HANG_UP_MESSAGES.has(error.message))
  );
}

/** The request ended before its body did, or its connection is closed. */
export function clientGone(raw: IncomingMessage): boolean {
  return raw.readableAborted || raw.socket?.destroyed === true;
}
