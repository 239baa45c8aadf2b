// Finds the links of a message once, for every recipient: each trackable href (an <a>, an <area>, or a
// VML button Outlook draws) is recorded by its position and swapped for a placeholder that rendering
// replaces. The HTML is read by an HTML parser (parse5), as a mail client reads it; only the href
// attributes change, by their source offsets, so the rest of the author's HTML stays byte for byte.
import { type DefaultTreeAdapterMap, parse, parseFragment } from 'parse5';
import { normaliseDestination } from '../../lib/destination-url.ts';
import { AppError } from '../../lib/errors.ts';

export interface LinkEntry {
  position: number;
  url: string;
  /** The hidden link no person sees; a click on it is a machine's. */
  honeypot: boolean;
}

/** Put on a link to leave it untracked: `<a href="…" data-spoor-untracked>`. Removed from the email. */
export const UNTRACKED_ATTRIBUTE = 'data-spoor-untracked';

/** A link whose destination cannot be stored (it stays as written, untracked); saving refuses it. */
export interface RefusedLink {
  part: 'HTML body' | 'text part';
  url: string;
  problem: string;
}

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

/** A URL in plain text; trailing punctuation is trimmed afterwards. */
const TEXT_URL = /https?:\/\/[^\s<>"'\]]+/gi;
/** `<!--[if mso]> … <![endif]-->`: Outlook reads what is inside as HTML, so its links are links. */
const CONDITIONAL_COMMENT = /^<!--\[if [^\]]*\]>/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

export function isTrackable(url: string): boolean {
  // A link built from merge fields differs per contact; a stored destination cannot stand for it.
  return /^https?:\/\/[^/\s]/i.test(url) && !url.includes('{{') && !url.includes('{%');
}

const isLinkElement = (tag: string) => tag === 'a' || tag === 'area' || tag.startsWith('v:');

/** An href as a browser follows it: surrounding whitespace off, tabs and line breaks inside dropped. */
const urlOf = (value: string) => value.replace(/[\t\n\r]/g, '').trim();

interface Found {
  element: Element;
  /** Where the HTML the element was parsed from starts in the message (inside a conditional comment). */
  shift: number;
}

/** Link elements in source order, and the first `<base href>` outside comments. */
function findLinks(html: string): { found: Found[]; base: string | null } {
  const found = new Map<number, Found>();
  let base: string | null = null;
  // Depth-first with a stack of its own: an email may nest elements deeper than the call stack goes.
  const stack: { node: Node; shift: number; source: string }[] = [
    { node: parse(html, { sourceCodeLocationInfo: true }), shift: 0, source: html },
  ];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { node, shift, source } = next;
    const children = (nodes: Node[], childShift: number, childSource: string) => {
      for (let i = nodes.length - 1; i >= 0; i--)
        stack.push({ node: nodes[i]!, shift: childShift, source: childSource });
    };
    if (node.nodeName === '#comment') {
      const at = node.sourceCodeLocation;
      const raw = at ? source.slice(at.startOffset, at.endOffset) : '';
      const opening = CONDITIONAL_COMMENT.exec(raw)?.[0];
      if (at && opening) {
        const inner = raw.slice(opening.length, raw.endsWith('-->') ? -3 : undefined);
        const start = shift + at.startOffset + opening.length;
        children(parseFragment(inner, { sourceCodeLocationInfo: true }).childNodes, start, inner);
      }
      continue;
    }
    if ('tagName' in node) {
      const start = node.sourceCodeLocation?.startTag?.startOffset;
      // Elements the parser re-creates (misnested formatting) have no source of their own: skipped.
      if (start !== undefined && isLinkElement(node.tagName))
        found.set(shift + start, { element: node, shift });
      if (node.tagName === 'base' && base === null && shift === 0) {
        const href = node.attrs.find((a) => a.name === 'href');
        if (href) base = urlOf(href.value);
      }
    }
    if ('childNodes' in node) children(node.childNodes, shift, source);
    if ('content' in node) children([node.content], shift, source);
  }
  return { found: [...found.entries()].sort(([a], [b]) => a - b).map(([, f]) => f), base };
}

/**
 * The destination a link leads to: relative hrefs resolved against an absolute http(s) `<base href>`
 * (in-page anchors excepted), as the clients that honour `<base>` do; null when it is not tracked.
 */
function destinationOf(href: string, base: string | null): string | null {
  if (href === '' || href.startsWith('#') || href.includes('{{') || href.includes('{%')) return null;
  let url = href;
  if (!SCHEME.test(href) && base && isTrackable(base)) {
    try {
      url = new URL(href, base).href;
    } catch {
      return null;
    }
  }
  return isTrackable(url) ? url : null;
}

/** The stored form of a destination, or null after noting why it cannot be stored. */
function store(url: string, part: RefusedLink['part'], refused: RefusedLink[]): string | null {
  try {
    return normaliseDestination(url);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    refused.push({ part, url, problem: error.message });
    return null;
  }
}

/**
 * Swaps each tracked link's href for `sentinel(position)` and records it in `links`. Links in plain
 * comments are left alone; links whose destination cannot be stored stay as written and go in `refused`.
 */
export function markLinks(
  html: string,
  links: LinkEntry[],
  sentinel: (position: number) => string,
  refused: RefusedLink[] = [],
): string {
  const { found, base } = findLinks(html);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const { element, shift } of found) {
    const at = element.sourceCodeLocation?.attrs ?? {};
    const untracked = at[UNTRACKED_ATTRIBUTE];
    if (untracked) {
      let start = shift + untracked.startOffset;
      while (start > 0 && /\s/.test(html[start - 1]!)) start--;
      edits.push({ start, end: shift + untracked.endOffset, text: '' });
      continue;
    }
    const href = element.attrs.find((a) => a.name === 'href');
    const span = at['href'];
    if (!href || !span) continue;
    const destination = destinationOf(urlOf(href.value), base);
    const url = destination === null ? null : store(destination, 'HTML body', refused);
    if (url === null) continue;
    const position = links.length;
    links.push({ position, url, honeypot: false });
    const start = shift + span.startOffset;
    // The attribute's name as written (HREF stays HREF); the value always double-quoted.
    edits.push({
      start,
      end: shift + span.endOffset,
      text: `${html.slice(start, start + 4)}="${sentinel(position)}"`,
    });
  }
  let out = '';
  let from = 0;
  for (const edit of edits) {
    out += html.slice(from, edit.start) + edit.text;
    from = edit.end;
  }
  return out + html.slice(from);
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
  refused: RefusedLink[] = [],
): string {
  return text.replace(TEXT_URL, (candidate) => {
    const { url: written, rest } = trimUrl(candidate);
    if (!isTrackable(written)) return candidate;
    const url = store(written, 'text part', refused);
    if (url === null) return candidate;
    const known = links.find((link) => link.url === url);
    const position = known?.position ?? links.length;
    if (!known) links.push({ position, url, honeypot: false });
    return sentinel(position) + rest;
  });
}
