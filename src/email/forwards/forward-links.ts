// The links of forward to a friend, sealed by the project's one seal (src/platform/seal.ts): the form a
// recipient's {{ forward_url }} opens (text spelling, send × forwarder, 90 days; made where the other links
// of a sent email are, engagement/tracking-urls.ts), and the open pixel and click redirects of a friend's
// copy (compact spelling, as the email tokens: send × copy × link position). A copy's token names no
// contact: its opens and clicks are the send's and, through the copy, the forwarder's.
import type { Seal, SealError } from '../../platform/seal.ts';
import type { CopyTrackingUrls } from '../engagement/tracking-urls.ts';

export { FORWARD_PATH, forwardToken, forwardUrl } from '../engagement/tracking-urls.ts';

/** Beside the contacts' /e/o/ and /e/c/: their routes never see a copy's token, nor pay for one. */
export const COPY_PIXEL_PATH = '/e/fo/';
export const COPY_CLICK_PATH = '/e/fc/';

export type LinkProblem = 'invalid' | 'expired';

export function openForwardFormToken(
  opened: { ok: true; value: string[] } | { ok: false; error: SealError },
): { sendId: string; contactId: string } | LinkProblem {
  if (!opened.ok) return opened.error === 'expired' ? 'expired' : 'invalid';
  const [sendId, contactId, ...rest] = opened.value;
  if (!sendId || !contactId || rest.length > 0) return 'invalid';
  return { sendId, contactId };
}

export interface CopyClaims {
  sendId: string;
  copyId: string;
  /** The link's position; 0 for the pixel. */
  position: number;
}

const MAX_ID_BYTES = 64;

/** Payload: len + send id, len + copy id, position (uint16 big-endian), as the email tokens lay theirs out. */
export function encodeCopyClaims(claims: CopyClaims): Buffer {
  const sendId = Buffer.from(claims.sendId, 'utf8');
  const copyId = Buffer.from(claims.copyId, 'utf8');
  if (!sendId.length || sendId.length > MAX_ID_BYTES || !copyId.length || copyId.length > MAX_ID_BYTES)
    throw new Error('Copy token ids must be 1 to 64 bytes.');
  if (!Number.isInteger(claims.position) || claims.position < 0 || claims.position > 0xffff)
    throw new Error('Copy token link positions are 0 to 65535.');
  const payload = Buffer.alloc(2 + sendId.length + copyId.length + 2);
  let at = 0;
  payload[at++] = sendId.length;
  at += sendId.copy(payload, at);
  payload[at++] = copyId.length;
  at += copyId.copy(payload, at);
  payload.writeUInt16BE(claims.position, at);
  return payload;
}

export function decodeCopyClaims(payload: Buffer): CopyClaims | null {
  let at = 0;
  const sendLength = payload[at++] ?? 0;
  const sendId = payload.subarray(at, at + sendLength).toString('utf8');
  at += sendLength;
  const copyLength = payload[at++] ?? 0;
  const copyId = payload.subarray(at, at + copyLength).toString('utf8');
  at += copyLength;
  if (at + 2 !== payload.length || sendId.length === 0 || copyId.length === 0) return null;
  return { sendId, copyId, position: payload.readUInt16BE(at) };
}

export type CopyTokenKind = 'open' | 'click';
const PURPOSE = { open: 'forward open', click: 'forward click' } as const;

export function copyToken(seal: Seal, kind: CopyTokenKind, claims: CopyClaims): string {
  return seal.sealBytes(PURPOSE[kind], encodeCopyClaims(claims));
}

/** The claims of a genuine copy token of this kind, or null (altered, truncated, another purpose). */
export function openCopyToken(seal: Seal, kind: CopyTokenKind, token: string): CopyClaims | null {
  const opened = seal.openBytes(PURPOSE[kind], token);
  return opened.ok ? decodeCopyClaims(opened.value) : null;
}

/** The pixel and click redirects of one friend's copy. */
export function copyTrackingUrls(
  publicUrl: string,
  seal: Seal,
  sendId: string,
  copyId: string,
): CopyTrackingUrls {
  return {
    pixel: `${publicUrl}${COPY_PIXEL_PATH}${copyToken(seal, 'open', { sendId, copyId, position: 0 })}.gif`,
    click: (position) =>
      `${publicUrl}${COPY_CLICK_PATH}${copyToken(seal, 'click', { sendId, copyId, position })}`,
  };
}
