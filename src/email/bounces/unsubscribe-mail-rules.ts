// Whether a message that came to a List-Unsubscribe mail address (u+…) is a person's request. RFC 2369
// makes the mail itself the request, whatever its subject and body, and the sealed address proves it
// came from someone holding the email. What is not a request is a robot answering some other message:
// Spoor never sends from a u+ address, so an automatic reply, a delivery report or a read receipt that
// reaches one answers a message nobody there sent, and acting on it would unsubscribe a person who
// asked nothing (decision 028). Pure; tested with tables.
import { CHALLENGE_HEADERS } from './auto-reply-rules.ts';

export type UnsubscribeMailVerdict =
  /** A request; `complaint`: an ARF report (a provider's "report spam and unsubscribe"), also a complaint. */
  { request: true; complaint: boolean } | { request: false; reason: string };

const REQUEST: UnsubscribeMailVerdict = { request: true, complaint: false };

/** `headers`: the message's header fields, names lower-cased (report-fields.ts). */
export function judgeUnsubscribeMail(headers: ReadonlyMap<string, string>): UnsubscribeMailVerdict {
  const contentType = (headers.get('content-type') ?? '').toLowerCase();
  if (/^\s*multipart\/report\b/.test(contentType)) {
    const reportType = /;\s*report-type\s*=\s*"?([a-z0-9-]+)/.exec(contentType)?.[1] ?? '';
    if (reportType === 'feedback-report') return { request: true, complaint: true };
    if (reportType === 'delivery-status' || reportType === 'global-delivery-status')
      return { request: false, reason: "a delivery report is a mail server's notice about another message" };
    if (reportType === 'disposition-notification')
      return { request: false, reason: 'a read receipt answers another message' };
    return { request: false, reason: `a ${reportType || 'machine'} report is no person's request` };
  }
  // RFC 3834: auto-replied marks a reply to a message; auto-generated is not a reply, and is what a mail
  // provider's unsubscribe button may send on the person's click, so it stays a request.
  const submitted = (headers.get('auto-submitted') ?? '').trim().toLowerCase();
  if (
    submitted.startsWith('auto-replied') ||
    headers.has('x-autoreply') ||
    headers.has('x-autorespond') ||
    /auto[_-]?reply/i.test(headers.get('precedence') ?? '')
  )
    return { request: false, reason: 'an automatic reply answers another message' };
  if (
    CHALLENGE_HEADERS.some((name) => headers.has(name)) ||
    /tmda/i.test(headers.get('x-delivery-agent') ?? '')
  )
    return { request: false, reason: 'a challenge-response system asks to confirm a sender' };
  return REQUEST;
}
