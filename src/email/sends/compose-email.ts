// One recipient's email as nodemailer takes it: the rendered parts, sender, the RFC 8058 one-click
// unsubscribe headers (with a mailto beside the URL when there is a bounce domain), a Message-ID on the public host, the X-Spoor-Send attribution header, and the
// headers mail administrators and mailbox providers look for in bulk mail (decision 025): List-Id
// (RFC 2919), Feedback-ID (Gmail's feedback loop), Precedence: bulk and X-Auto-Response-Suppress (so
// out-of-office robots do not answer a campaign).
import type { SendMailOptions } from 'nodemailer';
import { SEND_HEADER } from '../bounces/send-header.ts';
import type { RecipientTrackingUrls } from '../engagement/tracking-urls.ts';
import type { RenderedEmail } from '../messages/render-email.ts';

export interface SenderSnapshot {
  from_name: string | null;
  from_email: string | null;
  reply_to: string | null;
}

/** The message's own sender when it names one, else SPOOR_EMAIL_FROM (with the message's name, if any). */
export function senderOf(message: SenderSnapshot, defaultFrom: string): SendMailOptions['from'] {
  if (message.from_email) return { name: message.from_name ?? '', address: message.from_email };
  if (!message.from_name) return defaultFrom;
  const address = /<([^<>]+)>\s*$/.exec(defaultFrom)?.[1] ?? defaultFrom.trim();
  return { name: message.from_name, address };
}

/** Where a send's bulk-mail headers come from. */
export interface BulkIdentity {
  sendId: string;
  messageId: string;
  /** The send's first list (a send to several lists is one mailing; List-Id names one list). */
  listId: string | null;
  /** The public host, under which list ids are unique (RFC 2919 §2). */
  host: string;
}

/** `List-Id` and `Feedback-ID` values; pure. */
export function bulkHeadersFor(identity: BulkIdentity, fromAddress: string): Record<string, string> {
  const senderDomain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase() || identity.host;
  const headers: Record<string, string> = {
    // Gmail's Feedback-ID: up to three identifiers of ours, then the sender; complaint rates are
    // reported per value, so a spike points at one send of one message.
    'Feedback-ID': `${identity.sendId}:${identity.messageId}:${identity.listId ?? 'none'}:${senderDomain}`,
    Precedence: 'bulk',
    'X-Auto-Response-Suppress': 'OOF, AutoReply',
  };
  if (identity.listId) headers['List-Id'] = `<${identity.listId}.${identity.host}>`;
  return headers;
}

function addressOf(from: SendMailOptions['from']): string {
  if (typeof from === 'object' && from && 'address' in from) return from.address ?? '';
  const text = String(from ?? '');
  return /<([^<>]+)>\s*$/.exec(text)?.[1] ?? text.trim();
}

export function composeEmail(input: {
  to: string;
  from: SendMailOptions['from'];
  replyTo: string | null;
  rendered: RenderedEmail;
  urls: RecipientTrackingUrls;
  messageId: string;
  sendHeader: string;
  /**
   * The VERP return path (src/email/bounces/verp.ts); without it the envelope sender is
   * SPOOR_EMAIL_ENVELOPE_FROM, else the From address (transport.ts).
   */
  returnPath?: string | undefined;
  /** The List-Unsubscribe `mailto:` the bounce receiver answers (src/email/bounces/unsubscribe-address.ts). */
  unsubscribeMailto?: string | undefined;
  bulk: BulkIdentity;
}): SendMailOptions & { messageId: string } {
  return {
    ...(input.returnPath ? { envelope: { from: input.returnPath, to: input.to } } : {}),
    from: input.from,
    to: input.to,
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    subject: input.rendered.subject,
    html: input.rendered.html,
    text: input.rendered.text,
    messageId: input.messageId,
    // One List-Unsubscribe header (the inner array): the https one-click URL first, which RFC 8058
    // requires and List-Unsubscribe-Post names; the mailto after it for clients that only mail.
    list: {
      unsubscribe: [[input.urls.unsubscribe, ...(input.unsubscribeMailto ? [input.unsubscribeMailto] : [])]],
    },
    headers: {
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      [SEND_HEADER]: input.sendHeader,
      ...bulkHeadersFor(input.bulk, addressOf(input.from)),
    },
  };
}
