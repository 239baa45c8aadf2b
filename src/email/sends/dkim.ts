// DKIM signatures (RFC 6376, rsa-sha256, relaxed/relaxed) made here rather than by nodemailer, because
// nodemailer signs each header name once and cannot over-sign. Over-signing lists a header name once
// more than the message has copies of it, so the signature also covers "no further copy": a relay or
// a forwarder that adds a second From or List-Unsubscribe (to make a replayed message say something
// else) breaks the signature instead of riding on it (RFC 6376 §8.15; decision 025).
import { createHash, createSign } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';

export interface DkimKey {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/** Header fields signed once per copy present. */
const SIGNED = [
  'Sender',
  'Content-Transfer-Encoding',
  'Content-ID',
  'Content-Description',
  'In-Reply-To',
  'References',
  'Feedback-ID',
  'Precedence',
  'X-Spoor-Send',
];

/**
 * Header fields over-signed: one entry more than the copies present, so none can be added. These are
 * the ones a reader or a mailbox provider acts on (who sent it, what it is, how to leave the list).
 */
const OVER_SIGNED = [
  'From',
  'Reply-To',
  'To',
  'Cc',
  'Subject',
  'Date',
  'Message-ID',
  'MIME-Version',
  'Content-Type',
  'List-Id',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
];

interface HeaderField {
  /** Lower-case name. */
  name: string;
  /** The field as it is in the message, folding included, without the final CRLF. */
  raw: string;
}

/** The header fields of a message (up to the empty line), in order. */
export function headerFieldsOf(headerBlock: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of headerBlock.split('\r\n')) {
    if (line === '') continue;
    const last = fields.at(-1);
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) last.raw += `\r\n${line}`;
    else fields.push({ name: line.slice(0, line.indexOf(':')).trim().toLowerCase(), raw: line });
  }
  return fields;
}

/** RFC 6376 §3.4.2: lower-case name, unfolded value, runs of whitespace as one space, none at the ends. */
export function relaxedHeader(raw: string): string {
  const colon = raw.indexOf(':');
  const name = raw.slice(0, colon).trim().toLowerCase();
  const value = raw
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}`;
}

/** RFC 6376 §3.4.4: whitespace runs as one space, none at line ends, no empty lines at the end. */
export function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
}

/**
 * The names for the signature's h= tag, bottom-up copies first as RFC 6376 §5.4.2 selects them: each
 * signed name once per copy present, each over-signed name once more (a name with no copy is signed as
 * absent).
 */
export function signedNamesFor(fields: HeaderField[]): string[] {
  const copies = new Map<string, number>();
  for (const field of fields) copies.set(field.name, (copies.get(field.name) ?? 0) + 1);
  const names: string[] = [];
  for (const name of OVER_SIGNED) {
    const count = copies.get(name.toLowerCase()) ?? 0;
    for (let i = 0; i <= count; i += 1) names.push(name);
  }
  for (const name of SIGNED) {
    const count = copies.get(name.toLowerCase()) ?? 0;
    for (let i = 0; i < count; i += 1) names.push(name);
  }
  return names;
}

/** The DKIM-Signature field (with its CRLF) to put at the top of `message`. */
export function dkimSignatureFor(message: string, key: DkimKey, now = Date.now()): string {
  const split = message.indexOf('\r\n\r\n');
  const headerBlock = split === -1 ? message : message.slice(0, split);
  const body = split === -1 ? '' : message.slice(split + 4);
  const fields = headerFieldsOf(headerBlock);
  const names = signedNamesFor(fields);
  const bodyHash = createHash('sha256').update(relaxedBody(body), 'latin1').digest('base64');

  // Each name takes the next copy from the bottom; a name with no copy left contributes nothing.
  const used = new Map<string, number>();
  const canonical: string[] = [];
  for (const name of names) {
    const lower = name.toLowerCase();
    const copies = fields.filter((field) => field.name === lower);
    const taken = used.get(lower) ?? 0;
    used.set(lower, taken + 1);
    const field = copies[copies.length - 1 - taken];
    if (field) canonical.push(`${relaxedHeader(field.raw)}\r\n`);
  }

  const tags = [
    'v=1',
    'a=rsa-sha256',
    'c=relaxed/relaxed',
    `d=${key.domainName}`,
    `s=${key.keySelector}`,
    `t=${Math.floor(now / 1000)}`,
    `bh=${bodyHash}`,
    `h=${names.join(':')}`,
    'b=',
  ];
  const unsigned = `DKIM-Signature: ${foldTags(tags)}`;
  const signature = createSign('RSA-SHA256')
    .update(canonical.join('') + relaxedHeader(unsigned), 'latin1')
    .sign(key.privateKey, 'base64');
  return `${unsigned}${foldBase64(signature)}\r\n`;
}

/** Tags separated by "; ", folded before a tag that would pass 76 characters, and h= between names. */
function foldTags(tags: string[]): string {
  let out = '';
  let line = 'DKIM-Signature: '.length;
  for (const [index, tag] of tags.entries()) {
    const text = index === tags.length - 1 ? tag : `${tag};`;
    const pieces = tag.startsWith('h=') ? text.split(/(?<=:)/) : [text];
    for (const [p, piece] of pieces.entries()) {
      const gap = index === 0 || p > 0 ? '' : ' ';
      if (line + gap.length + piece.length > 76 && line > 1) {
        out += `\r\n ${piece}`;
        line = 1 + piece.length;
      } else {
        out += gap + piece;
        line += gap.length + piece.length;
      }
    }
  }
  return out;
}

function foldBase64(value: string): string {
  return (value.match(/.{1,72}/g) ?? []).join('\r\n ');
}

/** The whole message with its DKIM-Signature on top. */
export function dkimSigned(raw: Buffer, key: DkimKey): Buffer {
  // Bare LFs (nodemailer leaves some in encoded parts) become CRLF on the wire anyway; signing the
  // wire form is the only way the signature matches what arrives.
  const message = raw.toString('latin1').replace(/\r?\n/g, '\r\n');
  return Buffer.from(dkimSignatureFor(message, key) + message, 'latin1');
}

/**
 * A stream that reads a whole message and gives it back with its DKIM-Signature on top (as nodemailer's
 * processFunc takes it). Messages are read whole because the body hash comes first; they are small.
 */
export function dkimSigningStream(input: Readable, key: DkimKey): Readable {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  input.on('data', (chunk: Buffer) => chunks.push(chunk));
  input.once('error', (error) => output.destroy(error));
  input.once('end', () => {
    try {
      output.end(dkimSigned(Buffer.concat(chunks), key));
    } catch (error) {
      output.destroy(error as Error);
    }
  });
  return output;
}
