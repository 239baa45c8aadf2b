// The body of an RFC 8058 one-click unsubscribe POST: "List-Unsubscribe=One-Click", sent as
// multipart/form-data (what the RFC asks mail providers for) or x-www-form-urlencoded; the confirm
// page's own form sends the same field. Pure: a small, bounded multipart reader and the body check.
import { AppError } from '../../lib/errors.ts';

/** The fields of a multipart/form-data body (text fields only; files are not expected here). */
export function parseMultipartFields(body: string, contentType: string): Record<string, string> {
  const boundary = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) throw new AppError('bad_request', 'The multipart body names no boundary.');
  const fields: Record<string, string> = {};
  const parts = body.split(`--${marker}`);
  // parts[0] is the preamble; the part after the closing "--boundary--" starts with "--".
  for (const part of parts.slice(1)) {
    if (part.startsWith('--')) break;
    const split = part.indexOf('\r\n\r\n');
    if (split === -1) throw new AppError('bad_request', 'A part of the multipart body has no headers.');
    const headers = part.slice(0, split);
    const name = /content-disposition:\s*form-data;[^\r\n]*?\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) continue;
    fields[name] = part.slice(split + 4).replace(/\r\n$/, '');
  }
  return fields;
}

/**
 * Accepts a one-click body, or none at all (a plain POST). Anything else is refused, so a request
 * meant for something else never unsubscribes anyone by accident.
 */
export function checkOneClickBody(body: unknown): void {
  if (body === undefined || body === null || body === '') return;
  if (typeof body === 'object' && !Array.isArray(body)) {
    const fields = body as Record<string, unknown>;
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    if (keys.length === 1 && fields['List-Unsubscribe'] === 'One-Click') return;
  }
  throw new AppError(
    'bad_request',
    'The body of a one-click unsubscribe must be "List-Unsubscribe=One-Click".',
  );
}
