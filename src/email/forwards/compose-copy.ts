// A friend's forwarded copy as nodemailer takes it: the message rendered with no contact (forwarded-copy
// rendering: the copy's own pixel and click redirects, nothing of the forwarder's), a short note saying
// why it arrived that names no one, the message's sender, and the bulk-mail headers of the send but
// List-Id and List-Unsubscribe: the friend is on no list, and the forwarder's unsubscribe is theirs alone.
import type { SendMailOptions } from 'nodemailer';
import { escapeHtml } from '../../lib/html.ts';
import type { RenderedEmail } from '../messages/render-email.ts';
import { type BulkIdentity, bulkHeadersFor } from '../sends/compose-email.ts';

export const FORWARDED_NOTE =
  'Someone who receives our emails forwarded this one to you. You are not on our mailing lists, and we will not email you again unless you sign up.';

/** The note at the top of the copy (HTML just inside <body>, text first). */
export function withForwardedNote(rendered: RenderedEmail): RenderedEmail {
  const note = `<p style="margin:0 0 12px;padding:8px 12px;font:13px/1.4 system-ui,sans-serif;color:#555;background:#f4f4f5;border-radius:4px">${escapeHtml(FORWARDED_NOTE)}</p>`;
  const body = /<body\b[^>]*>/i.exec(rendered.html);
  const html = body
    ? rendered.html.slice(0, body.index + body[0].length) +
      note +
      rendered.html.slice(body.index + body[0].length)
    : note + rendered.html;
  return { subject: rendered.subject, html, text: `${FORWARDED_NOTE}\n\n${rendered.text}` };
}

function addressOf(from: SendMailOptions['from']): string {
  if (typeof from === 'object' && from && 'address' in from) return from.address ?? '';
  const text = String(from ?? '');
  return /<([^<>]+)>\s*$/.exec(text)?.[1] ?? text.trim();
}

export function composeCopy(input: {
  to: string;
  from: SendMailOptions['from'];
  replyTo: string | null;
  rendered: RenderedEmail;
  messageId: string;
  bulk: BulkIdentity;
}): SendMailOptions & { messageId: string } {
  const rendered = withForwardedNote(input.rendered);
  // The send's identity (Feedback-ID, Precedence) without its list: the friend is on none.
  const headers = bulkHeadersFor({ ...input.bulk, listId: null }, addressOf(input.from));
  return {
    from: input.from,
    to: input.to,
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    messageId: input.messageId,
    headers,
  };
}
