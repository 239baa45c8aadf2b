// One recipient's email as nodemailer takes it: the rendered parts, sender, the RFC 8058 one-click
// unsubscribe headers, a Message-ID on the public host and the X-Spoor-Send attribution header.
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

export function composeEmail(input: {
  to: string;
  from: SendMailOptions['from'];
  replyTo: string | null;
  rendered: RenderedEmail;
  urls: RecipientTrackingUrls;
  messageId: string;
  sendHeader: string;
  /** The VERP return path (src/email/bounces/verp.ts); without it the From address is the envelope sender. */
  returnPath?: string | undefined;
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
    list: { unsubscribe: { url: input.urls.unsubscribe, comment: '' } },
    headers: {
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      [SEND_HEADER]: input.sendHeader,
    },
  };
}
