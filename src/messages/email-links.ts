// Finds the links of a message once, for every recipient: each trackable href (an <a>, or a VML button
// Outlook draws) is recorded by its position and swapped for a placeholder that rendering replaces.
import type { LinkEntry } from './render-email.ts';

/** Put on a link to leave it untracked: `<a href="…" data-spoor-untracked>`. Removed from the email. */
export const UNTRACKED_ATTRIBUTE = 'data-spoor-untracked';

/** Anchors and VML shapes (bulletproof buttons in Outlook); attribute values may hold ">" in quotes. */
const LINK_TAG = /<(?:a|v:[a-z]+)(?=[\s>/])(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const ATTRIBUTE = /\s+([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g;
/** A URL in plain text; trailing punctuation is trimmed afterwards. */
const TEXT_URL = /https?:\/\/[^\s<>"'\]]+/gi;

const NAMED: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' };

/** An attribute value as the browser reads it: quotes off, character references decoded. */
export function decodeAttribute(raw: string): string {
  const unquoted = /^(["']).*\1$/s.test(raw) ? raw.slice(1, -1) : raw;
  return unquoted
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (reference, name: string) => {
      if (name[0] !== '#') return NAMED[name.toLowerCase()] ?? reference;
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : reference;
    })
    .trim();
}

export function isTrackable(url: string): boolean {
  // A link built from merge fields differs per contact; a stored destination cannot stand for it.
  return /^https?:\/\/[^/\s]/i.test(url) && !url.includes('{{') && !url.includes('{%');
}

interface Attribute {
  name: string;
  value: string | undefined;
  start: number;
  end: number;
}

function attributesOf(tag: string): Attribute[] {
  const attributes: Attribute[] = [];
  const nameEnd = /^<[^\s>/]+/.exec(tag)![0].length;
  ATTRIBUTE.lastIndex = nameEnd;
  for (let match = ATTRIBUTE.exec(tag); match; match = ATTRIBUTE.exec(tag)) {
    attributes.push({
      name: match[1]!.toLowerCase(),
      value: match[2],
      start: match.index,
      end: match.index + match[0].length,
    });
  }
  return attributes;
}

/** Swaps each tracked link's href for `sentinel(position)` and records it in `links`. */
export function markLinks(html: string, links: LinkEntry[], sentinel: (position: number) => string): string {
  return html.replace(LINK_TAG, (tag) => {
    const attributes = attributesOf(tag);
    const untracked = attributes.find((a) => a.name === UNTRACKED_ATTRIBUTE);
    if (untracked) return tag.slice(0, untracked.start) + tag.slice(untracked.end);
    const href = attributes.find((a) => a.name === 'href');
    if (!href?.value) return tag;
    const url = decodeAttribute(href.value);
    if (!isTrackable(url)) return tag;
    const position = links.length;
    links.push({ position, url, honeypot: false });
    return `${tag.slice(0, href.start)} href="${sentinel(position)}"${tag.slice(href.end)}`;
  });
}

/** Splits what follows a URL in prose off it: a sentence's full stop, an unmatched ")". */
function trimUrl(candidate: string): { url: string; rest: string } {
  let url = candidate;
  for (;;) {
    if (/[.,;:!?*]$/.test(url)) url = url.slice(0, -1);
    else if (url.endsWith(')') && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0))
      url = url.slice(0, -1);
    else break;
  }
  return { url, rest: candidate.slice(url.length) };
}

/** Links of a hand-written text part: the same URL as an HTML link shares its position. */
export function markTextLinks(
  text: string,
  links: LinkEntry[],
  sentinel: (position: number) => string,
): string {
  return text.replace(TEXT_URL, (candidate) => {
    const { url, rest } = trimUrl(candidate);
    if (!isTrackable(url)) return candidate;
    const known = links.find((link) => link.url === url);
    const position = known?.position ?? links.length;
    if (!known) links.push({ position, url, honeypot: false });
    return sentinel(position) + rest;
  });
}
