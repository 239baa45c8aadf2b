// Every URL Spoor stores to send a person to later (email link destinations, form redirects) passes
// through here when saved, so each one can go in a Location header: plain ASCII, http(s), no controls.
import { AppError } from './errors.ts';

/** Long enough for links full of campaign parameters; a redirect past it fails in some browsers and proxies. */
export const MAX_DESTINATION_LENGTH = 4096;

// Raw C0 controls, DEL and C1 controls; and their percent-encoded forms, which a later decoder (or a
// careless server behind the link) would turn back into line breaks in a header.
const RAW_CONTROL = /\p{Cc}/u;
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f)/i;
/** Printable ASCII without spaces: already safe in a header, so kept byte for byte. */
const PLAIN = /^[\u0021-\u007e]+$/;

function refuse(input: string, why: string): never {
  const shown = input.length > 80 ? `${input.slice(0, 77)}…` : input;
  throw new AppError('unprocessable', `The address ${JSON.stringify(shown)} ${why}.`);
}

/**
 * The stored form of a destination, or an `unprocessable` AppError saying what is wrong. An address
 * already in plain ASCII is kept as written (a signed link stays valid); any other is stored as a
 * browser would request it (WHATWG URL): the host in punycode, path, query and fragment
 * percent-encoded as UTF-8. Control characters, raw or percent-encoded, are refused.
 */
export function normaliseDestination(input: string): string {
  if (RAW_CONTROL.test(input)) refuse(input, 'holds a control character (a line break, tab or NUL)');
  const written = input.trim();
  let url: URL;
  try {
    url = new URL(written);
  } catch {
    refuse(input, 'is not an absolute URL like https://www.example.com/page');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse(input, 'must be an http or https URL');
  const normalised = PLAIN.test(written) ? written : url.href;
  if (ENCODED_CONTROL.test(normalised))
    refuse(input, 'holds an encoded control character (such as %0D%0A, a line break)');
  if (normalised.length > MAX_DESTINATION_LENGTH)
    refuse(input, `is longer than ${MAX_DESTINATION_LENGTH.toLocaleString('en')} characters`);
  return normalised;
}

/**
 * Where to send a person for a stored destination, normalised again (values stored before every save was
 * normalised); null when it cannot be a safe redirect, so the caller answers with a page, never a 500.
 */
export function redirectTargetOf(stored: string): string | null {
  try {
    return normaliseDestination(stored);
  } catch {
    return null;
  }
}
