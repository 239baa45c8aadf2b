// Amazon SES's notifications (the SNS Message of a verified notification) into webhook events: Bounce,
// Complaint and Delivery, both as identity notifications (`notificationType`) and as configuration-set
// event publishing (`eventType`). The email is named by our headers as SES echoes them in
// `mail.headers` ("include original headers"), else by `mail.commonHeaders.messageId`; never by SES's
// own `mail.messageId`. Pure; tested with tables.
import {
  type BounceVerdict,
  type Category,
  COMPLAINT_FEEDBACK_TYPES,
  classifyDsnRecipient,
} from './outcome-rules.ts';
import { SEND_HEADER } from './send-header.ts';
import {
  address,
  bracketed,
  type Fields,
  fieldsOf,
  ignore,
  textOf,
  type WebhookEvent,
  type WebhookOutcome,
} from './webhook-event.ts';

/** Our headers as SES quotes them in `mail`. */
function refsOf(mail: Fields | null): Pick<WebhookEvent, 'sendHeader' | 'messageId'> {
  const headers = Array.isArray(mail?.['headers']) ? (mail['headers'] as unknown[]) : [];
  const header = (name: string) => {
    for (const entry of headers) {
      const fields = fieldsOf(entry);
      if (textOf(fields?.['name'], 100)?.toLowerCase() === name) return textOf(fields?.['value'], 400);
    }
    return null;
  };
  const common = fieldsOf(mail?.['commonHeaders']);
  return {
    sendHeader: header(SEND_HEADER.toLowerCase())?.trim() || null,
    messageId: bracketed(header('message-id') ?? common?.['messageId']),
  };
}

/**
 * SES's bounce type and subtype, for a recipient whose report carries no status or diagnostic (and for
 * the subtypes that say SES never tried: its suppression lists).
 */
export function sesBounceVerdict(
  bounceType: string,
  subType: string,
  recipient: { status: string | null; diagnostic: string | null },
): BounceVerdict {
  // Not attempted: the address is on SES's suppression list (a hard bounce or complaint before).
  if (bounceType === 'Permanent' && (subType === 'Suppressed' || subType === 'OnAccountSuppressionList'))
    return { kind: 'hard_bounce', category: 'suppression-list', status: recipient.status };
  // Not attempted either: the recipient unsubscribed through SES's own list management.
  if (subType === 'UnsubscribedRecipient')
    return { kind: 'blocked', category: 'suppression-list', status: recipient.status };
  // What the receiving server said decides, by the same rule as a DSN (decision 022).
  if (recipient.status || recipient.diagnostic) {
    const judged = classifyDsnRecipient({ action: 'failed', ...recipient });
    if (judged) return judged;
  }
  const fallback: Record<string, [BounceVerdict['kind'], Category]> = {
    'Permanent/General': ['hard_bounce', 'invalid-mailbox'],
    'Permanent/NoEmail': ['hard_bounce', 'invalid-mailbox'],
    'Transient/MailboxFull': ['soft_bounce', 'full-mailbox'],
    'Transient/MessageTooLarge': ['blocked', 'policy-related'],
    'Transient/ContentRejected': ['blocked', 'policy-related'],
    'Transient/AttachmentRejected': ['blocked', 'policy-related'],
  };
  const [kind, category] = fallback[`${bounceType}/${subType}`] ?? ['soft_bounce', 'other'];
  return { kind, category, status: recipient.status };
}

function bounceEvents(refs: Pick<WebhookEvent, 'sendHeader' | 'messageId'>, bounce: Fields): WebhookEvent[] {
  const type = textOf(bounce['bounceType'], 40) ?? '';
  const subType = textOf(bounce['bounceSubType'], 60) ?? '';
  const recipients = Array.isArray(bounce['bouncedRecipients']) ? bounce['bouncedRecipients'] : [];
  if (recipients.length === 0) return [ignore({ ...refs, email: null }, 'a bounce naming no recipient')];
  return recipients.slice(0, 100).map((entry): WebhookEvent => {
    const fields = fieldsOf(entry) ?? {};
    const email = address(fields['emailAddress']);
    const status = textOf(fields['status'], 20);
    const diagnostic = textOf(fields['diagnosticCode']);
    const verdict = sesBounceVerdict(type, subType, { status, diagnostic });
    const outcome: WebhookOutcome = {
      ...verdict,
      detail: diagnostic ?? `${type} bounce (${subType || 'no subtype'})`.slice(0, 200),
    };
    return { ...refs, email, outcome, ignored: null };
  });
}

function complaintEvents(
  refs: Pick<WebhookEvent, 'sendHeader' | 'messageId'>,
  complaint: Fields,
): WebhookEvent[] {
  const recipients = Array.isArray(complaint['complainedRecipients'])
    ? complaint['complainedRecipients']
    : [];
  const feedbackType = textOf(complaint['complaintFeedbackType'], 40)?.toLowerCase() ?? null;
  const subType = textOf(complaint['complaintSubType'], 60);
  return recipients.slice(0, 100).map((entry): WebhookEvent => {
    const email = address(fieldsOf(entry)?.['emailAddress']);
    // SES did not send: the address is on its suppression list for an earlier complaint.
    if (subType === 'OnAccountSuppressionList')
      return {
        ...refs,
        email,
        outcome: {
          kind: 'blocked',
          category: 'suppression-list',
          status: null,
          detail: 'on SES’s suppression list',
        },
        ignored: null,
      };
    // Most mailbox providers send no feedback type; a type that is no complaint (not-spam …) records nothing.
    if (feedbackType !== null && !COMPLAINT_FEEDBACK_TYPES.has(feedbackType))
      return ignore({ ...refs, email }, `a ${feedbackType} report is no complaint by the recipient`);
    return {
      ...refs,
      email,
      outcome: { kind: 'complaint', category: 'complaint', status: feedbackType ?? 'abuse', detail: null },
      ignored: null,
    };
  });
}

/** One SES notification (the SNS Message, still text) into its events; never throws. */
export function readSesNotification(message: string): WebhookEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return [
      ignore(
        { sendHeader: null, messageId: null, email: null },
        'the SNS message is not an SES notification (not JSON)',
      ),
    ];
  }
  const fields = fieldsOf(parsed);
  const type = textOf(fields?.['notificationType'] ?? fields?.['eventType'], 40);
  const refs = refsOf(fieldsOf(fields?.['mail']));
  const none = { ...refs, email: null };
  if (!fields || !type) return [ignore(none, 'the SNS message is not an SES notification')];
  switch (type) {
    case 'Bounce': {
      const bounce = fieldsOf(fields['bounce']);
      return bounce ? bounceEvents(refs, bounce) : [ignore(none, 'a Bounce without its bounce object')];
    }
    case 'Complaint': {
      const complaint = fieldsOf(fields['complaint']);
      return complaint
        ? complaintEvents(refs, complaint)
        : [ignore(none, 'a Complaint without its complaint object')];
    }
    case 'Delivery':
      return [ignore(none, 'a delivery: the email was accepted, as Spoor already counts it')];
    default:
      return [ignore(none, `an SES ${type} event is no bounce or complaint`)];
  }
}
