// Turns a message into each recipient's email: Liquid merge fields from the contact (HTML output
// escaped), every http(s) link swapped for that recipient's click URL by its position in the message,
// a hidden honeypot link, the open pixel, and a plain-text part made from the HTML when none is given.
//
// The work that is the same for every recipient (parsing templates, finding links, deriving the text
// template) happens once in prepareMessage; rendering one recipient is then two template renders and
// string replacements, which keeps a large send fast.
import { convert } from 'html-to-text';
import { Liquid, type Template } from 'liquidjs';
import type { RecipientTrackingUrls } from '../engagement/tracking-urls.ts';
import { AppError } from '../lib/errors.ts';

export interface MessageContent {
  subject: string;
  html: string;
  /** Plain-text template; null = made from the HTML. */
  text: string | null;
}

export interface LinkEntry {
  position: number;
  url: string;
  /** The hidden link no person sees; a click on it is a machine's. */
  honeypot: boolean;
}

/** What the merge fields can read: the contact's standard fields and custom values. */
export type MergeContact = Record<string, string | number | boolean | null | undefined> & {
  custom?: Record<string, unknown>;
};

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface PreparedMessage {
  /** The send's link table: tracked links by position, the honeypot last. */
  links: LinkEntry[];
  /** `urls` null renders a preview: original links, no pixel, no honeypot. */
  render(contact: MergeContact, urls: RecipientTrackingUrls | null): RenderedEmail;
}

/** Put on a link to leave it untracked: `<a href="…" data-spoor-untracked>`. */
export const UNTRACKED_ATTRIBUTE = 'data-spoor-untracked';

const LINK_SENTINEL = (position: number) => `https://spoor.invalid/link/${position}/`;
const LINK_SENTINEL_PATTERN = /https:\/\/spoor\.invalid\/link\/(\d+)\//g;
const UNSUBSCRIBE_SENTINEL = 'https://spoor.invalid/unsubscribe/';
/** An anchor start tag; attribute values may contain ">" inside quotes. */
const ANCHOR_TAG = /<a\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const HREF_ATTRIBUTE = /(\shref\s*=\s*)("([^"]*)"|'([^']*)')/i;
const TEXT_URL = /https?:\/\/[^\s<>"'\])]+/g;

const htmlEngine = new Liquid({ outputEscape: 'escape', ownPropertyOnly: true, strictFilters: true });
const textEngine = new Liquid({ ownPropertyOnly: true, strictFilters: true });

function parse(engine: Liquid, source: string, part: string): Template[] {
  try {
    return engine.parse(source);
  } catch (error) {
    throw new AppError('unprocessable', `The ${part} is not a valid template: ${(error as Error).message}`);
  }
}

function decodeHref(value: string): string {
  return value
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .trim();
}

function isTrackable(url: string): boolean {
  // A link built from merge fields differs per contact; a stored destination cannot stand for it.
  return /^https?:\/\//i.test(url) && !url.includes('{{') && !url.includes('{%');
}

/** Swaps each tracked link's href for its sentinel and records it in `links`. */
function markLinks(html: string, links: LinkEntry[]): string {
  return html.replace(ANCHOR_TAG, (tag) => {
    if (tag.toLowerCase().includes(UNTRACKED_ATTRIBUTE)) return tag;
    const href = HREF_ATTRIBUTE.exec(tag);
    if (!href) return tag;
    const url = decodeHref(href[3] ?? href[4] ?? '');
    if (!isTrackable(url)) return tag;
    const position = links.length;
    links.push({ position, url, honeypot: false });
    return tag.replace(HREF_ATTRIBUTE, `$1"${LINK_SENTINEL(position)}"`);
  });
}

/** Links of a hand-written text part: the same URL as an HTML link shares its position. */
function markTextLinks(text: string, links: LinkEntry[]): string {
  return text.replace(TEXT_URL, (url) => {
    if (!isTrackable(url)) return url;
    const known = links.find((link) => link.url === url);
    const position = known?.position ?? links.length;
    if (!known) links.push({ position, url, honeypot: false });
    return LINK_SENTINEL(position);
  });
}

function textFromHtml(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  });
}

function withHoneypot(html: string, url: string): string {
  const link = `<a href="${url}" style="display:none;font-size:0;line-height:0;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all" aria-hidden="true" tabindex="-1"></a>`;
  const body = /<body\b[^>]*>/i.exec(html);
  if (!body) return link + html;
  const at = body.index + body[0].length;
  return html.slice(0, at) + link + html.slice(at);
}

function withPixel(html: string, url: string): string {
  const pixel = `<img src="${url}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;margin:0;padding:0">`;
  const close = html.search(/<\/body\s*>/i);
  return close === -1 ? html + pixel : html.slice(0, close) + pixel + html.slice(close);
}

export function prepareMessage(content: MessageContent): PreparedMessage {
  const links: LinkEntry[] = [];
  const markedHtml = markLinks(content.html, links);
  const textSource = content.text === null ? textFromHtml(markedHtml) : markTextLinks(content.text, links);
  const honeypot: LinkEntry = { position: links.length, url: 'about:blank', honeypot: true };
  const templates = {
    subject: parse(textEngine, content.subject, 'subject'),
    html: parse(htmlEngine, markedHtml, 'HTML body'),
    text: parse(textEngine, textSource, content.text === null ? 'HTML body' : 'text part'),
  };
  const original = new Map(links.map((link) => [link.position, link.url]));

  return {
    links: [...links, honeypot],
    render(contact, urls) {
      const data = { contact, unsubscribe_url: UNSUBSCRIBE_SENTINEL };
      const linkOf = (position: number) => (urls ? urls.click(position) : (original.get(position) ?? ''));
      const finish = (rendered: string, escapeForHtml: boolean) =>
        rendered
          .replace(LINK_SENTINEL_PATTERN, (_match, position: string) => {
            const url = linkOf(Number(position));
            return escapeForHtml ? url.replace(/&/g, '&amp;') : url;
          })
          .replaceAll(UNSUBSCRIBE_SENTINEL, urls?.unsubscribe ?? '#unsubscribe');
      try {
        const subject = textEngine
          .renderSync(templates.subject, data)
          .replace(/[\r\n]+/g, ' ')
          .trim();
        let html = finish(htmlEngine.renderSync(templates.html, data), true);
        const text = finish(textEngine.renderSync(templates.text, data), false);
        if (urls) html = withPixel(withHoneypot(html, urls.click(honeypot.position)), urls.pixel);
        return { subject, html, text };
      } catch (error) {
        throw new AppError('unprocessable', `The message could not be rendered: ${(error as Error).message}`);
      }
    },
  };
}
