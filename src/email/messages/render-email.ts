// Turns a message into each recipient's email: Liquid merge fields from the contact (HTML output
// escaped), every http(s) link swapped for that recipient's click URL by its position in the message,
// a hidden honeypot link, the open pixel, and a plain-text part made from the HTML when none is given.
//
// The work that is the same for every recipient (parsing templates, finding links, deriving the text
// template) happens once in prepareMessage; rendering one recipient is then two template renders and
// string replacements, which keeps a large send fast.
import { randomBytes } from 'node:crypto';
import { Liquid, type Template } from 'liquidjs';
import { AppError } from '../../lib/errors.ts';
import { escapeHtml } from '../../lib/html.ts';
import type { CopyTrackingUrls, RecipientTrackingUrls } from '../engagement/tracking-urls.ts';
import { type LinkEntry, markLinks, markTextLinks, type RefusedLink } from './email-links.ts';

export type { LinkEntry };

import { textFromHtml, textTemplateFromHtml } from './text-part.ts';

export { type RefusedLink, UNTRACKED_ATTRIBUTE } from './email-links.ts';

export interface MessageContent {
  subject: string;
  html: string;
  /** Plain-text template; null = made from the HTML. */
  text: string | null;
}

/** What the merge fields can read: the contact's standard fields and custom values. */
export type MergeContact = {
  [field: string]: string | number | boolean | null | undefined | Record<string, unknown>;
  custom?: Record<string, unknown>;
};

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/**
 * Whom a rendering is for. `contact`: a recipient's own email (their merge fields, their links). A
 * `forwarded_copy` is the copy a recipient forwarded to a friend (src/email/forwards): there is no contact
 * at all, so merge fields render empty (or their `default`) and every link that acts for a recipient
 * (unsubscribe, subscription center, forward form; any per-recipient tag added later) renders neutrally.
 * Templates and tags can read it as `{{ recipient.kind }}` / `{{ recipient.forwarded_copy }}`.
 */
export type RenderAudience = 'contact' | 'forwarded_copy';

/** What a template sees as `recipient` (and a custom tag in its context's `recipient`). */
export interface RecipientContext {
  kind: RenderAudience;
  forwarded_copy: boolean;
}

/** Per-recipient links where there is no recipient (previews, forwarded copies): inert anchors. */
export const NEUTRAL_LINKS = {
  unsubscribe: '#unsubscribe',
  subscriptionCenter: '#subscription-center',
  forward: '#forward',
} as const;

export interface PreparedMessage {
  /** The send's link table: tracked links by position, the honeypot last. */
  links: LinkEntry[];
  /** Links whose destination cannot be stored: left untracked here; saving a message refuses them. */
  refusedLinks: RefusedLink[];
  /** The offers the message links to ({{ offer "ID" }}), each once. */
  offerIds: string[];
  /** `urls` null renders a preview: original links, no pixel, no honeypot. */
  render(contact: MergeContact, urls: RecipientTrackingUrls | null): RenderedEmail;
  /**
   * A forwarded copy for a friend: no contact (defaults apply), no link of the forwarder's, the copy's own
   * pixel and click redirects (`urls`), and the honeypot.
   */
  renderForwardedCopy(urls: CopyTrackingUrls): RenderedEmail;
}

function emailEngine(escapeOutput: boolean): Liquid {
  const engine = new Liquid({
    ...(escapeOutput ? { outputEscape: 'escape' as const } : {}),
    ownPropertyOnly: true,
    strictFilters: true,
    // No file system: an include would otherwise read any file the server can.
    templates: {},
    // A template is the marketer's, but a runaway loop must not stall a send or a preview.
    parseLimit: 5_000_000,
    renderLimit: 2_000,
    memoryLimit: 50_000_000,
  });
  for (const tag of ['include', 'render', 'layout']) delete engine.tags[tag];
  return engine;
}

const htmlEngine = emailEngine(true);
const textEngine = emailEngine(false);

function parse(engine: Liquid, source: string, part: string): Template[] {
  try {
    return engine.parse(source);
  } catch (error) {
    throw new AppError('unprocessable', `The ${part} is not a valid template: ${(error as Error).message}`);
  }
}

/**
 * A subject template as this contact reads it, for pages that show a contact's emails (timeline, emails
 * list): rendered with the contact's fields as they are now. A template that no longer renders is shown
 * as written rather than failing the page.
 */
export function subjectFor(template: string, contact: MergeContact): string {
  if (!template.includes('{')) return template;
  try {
    const data = { contact, recipient: { kind: 'contact', forwarded_copy: false } };
    return textEngine
      .renderSync(textEngine.parse(template), data)
      .replace(/[\r\n]+/g, ' ')
      .trim();
  } catch {
    return template;
  }
}

function withHoneypot(html: string, url: string): string {
  const link = `<a href="${escapeHtml(url)}" style="display:none;font-size:0;line-height:0;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all" aria-hidden="true" tabindex="-1"></a>`;
  const body = /<body\b[^>]*>/i.exec(html);
  if (!body) return link + html;
  const at = body.index + body[0].length;
  return html.slice(0, at) + link + html.slice(at);
}

function withPixel(html: string, url: string): string {
  const pixel = `<img src="${escapeHtml(url)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;margin:0;padding:0">`;
  // The last </body>: an earlier one may sit in a comment or a conditional block.
  const matches = [...html.matchAll(/<\/body\s*>/gi)];
  const close = matches[matches.length - 1]?.index;
  return close === undefined ? html + pixel : html.slice(0, close) + pixel + html.slice(close);
}

/**
 * `{{ offer "ID" }}` (either quote): an offer's link, per recipient. Swapped for a placeholder before
 * anything else reads the template, so it is neither a Liquid expression nor a tracked link.
 */
const OFFER_TAG = /\{\{-?\s*offer\s+(?:"([A-Za-z0-9_-]{1,64})"|'([A-Za-z0-9_-]{1,64})')\s*-?\}\}/g;

export interface PrepareOptions {
  /**
   * An offer's untracked public link, for renders without the recipient's own links (a preview, a
   * forwarded copy): it claims for no one. Without it, `#offer-ID`.
   */
  offerPage?: (offerId: string) => string;
}

export function prepareMessage(content: MessageContent, options: PrepareOptions = {}): PreparedMessage {
  // Placeholders carry a random part so no merge value can pose as one.
  const nonce = randomBytes(6).toString('hex');
  const sentinel = (position: number) => `https://spoor.invalid/${nonce}/link/${position}/`;
  const sentinelPattern = new RegExp(`https://spoor\\.invalid/${nonce}/link/(\\d+)/`, 'g');
  const unsubscribeSentinel = `https://spoor.invalid/${nonce}/unsubscribe/`;
  const centerSentinel = `https://spoor.invalid/${nonce}/subscription-center/`;
  const forwardSentinel = `https://spoor.invalid/${nonce}/forward/`;
  // Not http(s): the link finder leaves it alone (an offer link is tracked by the offer, not as a link).
  const offerSentinelPattern = new RegExp(`spoor-offer:${nonce}:([A-Za-z0-9_-]+):`, 'g');
  const offerIds = new Set<string>();
  const withOffers = (source: string) =>
    source.replace(OFFER_TAG, (_tag, double?: string, single?: string) => {
      const id = (double ?? single) as string;
      offerIds.add(id);
      return `spoor-offer:${nonce}:${id}:`;
    });
  content = {
    subject: content.subject,
    html: withOffers(content.html),
    text: content.text && withOffers(content.text),
  };

  const links: LinkEntry[] = [];
  const refusedLinks: RefusedLink[] = [];
  const markedHtml = markLinks(content.html, links, sentinel, refusedLinks);
  const templates = {
    subject: parse(textEngine, content.subject, 'subject'),
    html: parse(htmlEngine, markedHtml, 'HTML body'),
    text: null as Template[] | null,
  };
  if (content.text !== null) {
    templates.text = parse(
      textEngine,
      markTextLinks(content.text, links, sentinel, refusedLinks),
      'text part',
    );
  } else {
    try {
      // A link to a URL tag (href="{{ unsubscribe_url }}", in most messages) is a tag inside an HTML
      // tag, which the converter cannot keep in place; its value is a fixed placeholder, so it is put in
      // literally and the text is still made once per message, not per recipient.
      const urlTags = new Map([
        ['unsubscribe_url', unsubscribeSentinel],
        ['subscription_center_url', centerSentinel],
        ['forward_url', forwardSentinel],
      ]);
      const literal = markedHtml.replace(
        /\{\{\s*([a-z_]+)\s*\}\}/g,
        (tag, name: string) => urlTags.get(name) ?? tag,
      );
      const derived = textTemplateFromHtml(literal);
      if (derived !== null) templates.text = textEngine.parse(derived);
    } catch {
      // Left null: each rendered email is converted instead (HTML nested past the converter's
      // recursion is then refused by the render, as unprocessable, rather than failing here).
    }
  }
  const honeypot: LinkEntry = { position: links.length, url: 'about:blank', honeypot: true };
  const original = new Map(links.map((link) => [link.position, link.url]));

  function renderFor(
    contact: MergeContact,
    tracking: CopyTrackingUrls | null,
    own: RecipientTrackingUrls | null,
    audience: RenderAudience,
  ): RenderedEmail {
    const recipient: RecipientContext = { kind: audience, forwarded_copy: audience === 'forwarded_copy' };
    const data = {
      contact,
      recipient,
      unsubscribe_url: unsubscribeSentinel,
      subscription_center_url: centerSentinel,
      forward_url: forwardSentinel,
    };
    const linkOf = (position: number) =>
      tracking ? tracking.click(position) : (original.get(position) ?? '');
    const unsubscribe = own?.unsubscribe ?? NEUTRAL_LINKS.unsubscribe;
    const finish = (rendered: string, forHtml: boolean) => {
      const escapeUrl = forHtml ? escapeHtml : (url: string) => url;
      let linked = rendered
        .replace(sentinelPattern, (_match, position: string) => escapeUrl(linkOf(Number(position))))
        // Only the recipient's own render claims; any other (a preview, a forwarded copy) claims for no one.
        .replace(offerSentinelPattern, (_match, id: string) =>
          escapeUrl(own?.offer ? own.offer(id) : (options.offerPage?.(id) ?? `#offer-${id}`)),
        )
        .replaceAll(unsubscribeSentinel, escapeUrl(unsubscribe));
      // The center's and the forward form's links are sealed only for messages that carry them.
      if (linked.includes(centerSentinel))
        linked = linked.replaceAll(
          centerSentinel,
          escapeUrl(own?.subscriptionCenter ?? NEUTRAL_LINKS.subscriptionCenter),
        );
      if (linked.includes(forwardSentinel))
        linked = linked.replaceAll(forwardSentinel, escapeUrl(own?.forward ?? NEUTRAL_LINKS.forward));
      return linked;
    };
    try {
      const subject = textEngine
        .renderSync(templates.subject, data)
        .replace(/[\r\n]+/g, ' ')
        .trim();
      const renderedHtml = htmlEngine.renderSync(templates.html, data);
      const text = finish(
        templates.text ? textEngine.renderSync(templates.text, data) : textFromHtml(renderedHtml),
        false,
      );
      let html = finish(renderedHtml, true);
      if (tracking) html = withPixel(withHoneypot(html, tracking.click(honeypot.position)), tracking.pixel);
      return { subject, html, text };
    } catch (error) {
      throw new AppError('unprocessable', `The message could not be rendered: ${(error as Error).message}`);
    }
  }

  return {
    links: [...links, honeypot],
    refusedLinks,
    offerIds: [...offerIds],
    render: (contact, urls) => renderFor(contact, urls, urls, 'contact'),
    // No contact is ever passed: nothing of the forwarder's can reach the copy.
    renderForwardedCopy: (urls) => renderFor({}, urls, null, 'forwarded_copy'),
  };
}
