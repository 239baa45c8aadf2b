// One email's MIME text in one synchronous pass. nodemailer writes a message through a chain of
// streams (a pipeline per MIME part, a setImmediate between parts, an AbortController per pipeline),
// which cost more CPU per email than everything else Spoor does for it (decision 029). Spoor's emails
// are strings only (a text and an HTML part), so the tree nodemailer compiled (its MimeNode: headers,
// encodings, boundaries all nodemailer's) is written out here with nodemailer's own encoders, byte for
// byte what its streams write (mime-sync.test.ts). Any other content (a stream, a file, a URL, a raw
// message) is left to nodemailer's streams: the function answers null.

import { Encoder as Base64Encoder } from 'nodemailer/lib/base64';
import MimeNode from 'nodemailer/lib/mime-node';
import { Encoder as QpEncoder } from 'nodemailer/lib/qp';

// nodemailer normalises a header name with five regular expressions on every getHeader and setHeader
// (dozens per email); the result depends on the name alone, so it is remembered (a few names recur).
// It is nodemailer's internal: should a later version rename it, nothing is patched and only speed is lost.
const normalise = MimeNode.prototype as unknown as { _normalizeHeaderKey?: (key: unknown) => string };
const normaliseOnce = normalise._normalizeHeaderKey;
const normalised = new Map<string, string>();
if (typeof normaliseOnce === 'function')
  normalise._normalizeHeaderKey = function (this: unknown, key: unknown): string {
    if (typeof key !== 'string') return normaliseOnce.call(this, key);
    let name = normalised.get(key);
    if (name === undefined) {
      name = normaliseOnce.call(this, key);
      if (normalised.size < 1000) normalised.set(key, name);
    }
    return name;
  };

/** What this module reads of a MimeNode beyond its typed API. */
interface NodeInternals {
  content?: unknown;
  _raw?: unknown;
  _transforms: unknown[];
  newline?: unknown;
  multipart?: string | false;
  boundary?: string;
  childNodes: (MimeNode & NodeInternals)[];
  contentType?: string;
  getTransferEncoding(): string | false;
  buildHeaders(): string;
}

/** Runs one of nodemailer's encoders over a whole buffer synchronously (its transform is synchronous). */
function encodeWhole(encoder: QpEncoder | Base64Encoder, input: Buffer): string {
  const out: string[] = [];
  const internal = encoder as unknown as {
    push(chunk: string | Buffer): boolean;
    _transform(chunk: Buffer, encoding: string, done: (error?: Error | null) => void): void;
    _flush(done: (error?: Error | null) => void): void;
  };
  internal.push = (chunk) => {
    out.push(chunk.toString());
    return true;
  };
  let failed: Error | null | undefined;
  internal._transform(input, 'buffer', (error) => {
    failed = error;
  });
  internal._flush((error) => {
    failed ??= error;
  });
  if (failed) throw failed;
  return out.join('');
}

/** Writes the node and its children into `parts`; false when any of them is not all strings. */
function serialise(node: MimeNode & NodeInternals, parts: string[]): boolean {
  if (node._raw !== undefined && node._raw !== null && node._raw !== false) return false;
  const content = node.content;
  if (content !== undefined && content !== null && typeof content !== 'string' && !Buffer.isBuffer(content))
    return false;
  const transferEncoding = node.getTransferEncoding();
  parts.push(`${node.buildHeaders()}\r\n\r\n`);
  if (content) {
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    if (transferEncoding === 'quoted-printable')
      parts.push(encodeWhole(new QpEncoder({ binary: !/^text\//i.test(node.contentType ?? '') }), bytes));
    else if (transferEncoding === 'base64') parts.push(encodeWhole(new Base64Encoder(), bytes));
    else parts.push(bytes.toString('utf8'));
  }
  if (node.multipart) {
    for (const [index, child] of node.childNodes.entries()) {
      parts.push(`${index > 0 ? '\r\n' : ''}--${node.boundary}\r\n`);
      if (!serialise(child as MimeNode & NodeInternals, parts)) return false;
    }
    parts.push(`\r\n--${node.boundary}--\r\n`);
  }
  return true;
}

/** The message nodemailer would stream from this root node (before DKIM), or null when it is not all strings. */
export function mimeOf(root: MimeNode): Buffer | null {
  const node = root as unknown as MimeNode & NodeInternals;
  // Transforms and a newline conversion change the stream: leave those to nodemailer.
  if (node._transforms.length > 0 || node.newline) return null;
  const parts: string[] = [];
  if (!serialise(node, parts)) return null;
  let text = parts.join('');
  // nodemailer's LastNewline: the message ends with a line break.
  if (!text.endsWith('\n')) text += '\r\n';
  return Buffer.from(text, 'utf8');
}
