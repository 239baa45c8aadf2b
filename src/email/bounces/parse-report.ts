// Reads a message that came back to a return path: a delivery status notification (RFC 3464
// multipart/report), a complaint (ARF, RFC 5965), an auto-reply or a challenge, or none of these. Never
// throws: whatever cannot be read is "unparseable", with the reason, and is kept for an administrator.
import { simpleParser } from 'mailparser';
import { type AutoReplyKind, autoReplyKindOf } from './auto-reply-rules.ts';
import { addressOfField, headerFieldsOf, parseFieldBlocks } from './report-fields.ts';

/** What the report quotes of the email it is about (to attribute it when the return path cannot). */
export interface OriginalRefs {
  /** The quoted X-Spoor-Send header's value. */
  sendHeader: string | null;
  /** The quoted Message-ID (or, for an auto-reply, the In-Reply-To), with its angle brackets. */
  messageId: string | null;
}

export interface DsnRecipient {
  finalRecipient: string | null;
  originalRecipient: string | null;
  action: string;
  status: string | null;
  diagnostic: string | null;
}

export type ParsedReport =
  | { type: 'dsn'; recipients: DsnRecipient[]; original: OriginalRefs }
  | { type: 'arf'; feedbackType: string; recipient: string | null; original: OriginalRefs }
  | { type: 'auto_reply'; category: AutoReplyKind; original: OriginalRefs }
  | { type: 'unparseable'; reason: string };

const MESSAGE_ID = /^<[^<>\s]{1,250}>$/;
const NO_REFS: OriginalRefs = { sendHeader: null, messageId: null };

function refsOfHeader(fields: ReadonlyMap<string, string>): OriginalRefs {
  const sendHeader = fields.get('x-spoor-send')?.trim() ?? null;
  const messageId = fields.get('message-id')?.trim() ?? null;
  return {
    sendHeader: sendHeader && sendHeader.length <= 400 ? sendHeader : null,
    messageId: messageId && MESSAGE_ID.test(messageId) ? messageId : null,
  };
}

type Parsed = Awaited<ReturnType<typeof simpleParser>>;

/** The returned message's header, from its message/rfc822 or text/rfc822-headers part. */
function originalOf(mail: Parsed, raw: string): OriginalRefs {
  const part = mail.attachments.find((attachment) =>
    ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'].includes(
      attachment.contentType.toLowerCase(),
    ),
  );
  const refs = part ? refsOfHeader(headerFieldsOf(part.content.toString('utf8'))) : { ...NO_REFS };
  if (refs.sendHeader === null) {
    // Some MTAs return the header as plain text: the sealed header is safe to find anywhere (Postal
    // does the same with its own), a Message-ID is not (the report has its own).
    const quoted = /^X-Spoor-Send:[ \t]*([A-Za-z0-9_.-]{10,400})[ \t]*$/im.exec(raw);
    if (quoted) refs.sendHeader = quoted[1] as string;
  }
  return refs;
}

function attachmentText(mail: Parsed, ...types: string[]): string | null {
  const part = mail.attachments.find((attachment) => types.includes(attachment.contentType.toLowerCase()));
  return part ? part.content.toString('utf8') : null;
}

export async function parseReport(raw: Buffer): Promise<ParsedReport> {
  let mail: Parsed;
  try {
    mail = await simpleParser(raw, {
      keepDeliveryStatus: true,
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      maxHtmlLengthToParse: 100_000,
    });
  } catch (error) {
    return {
      type: 'unparseable',
      reason: `not a readable message: ${(error as Error).message}`.slice(0, 300),
    };
  }
  const text = raw.toString('utf8');
  const contentType = mail.headers.get('content-type') as
    | { value?: string; params?: Record<string, string> }
    | undefined;
  const reportType =
    contentType?.value?.toLowerCase() === 'multipart/report'
      ? contentType.params?.['report-type']?.toLowerCase()
      : undefined;

  const status = attachmentText(mail, 'message/delivery-status', 'message/global-delivery-status');
  if (reportType === 'delivery-status' || status !== null) {
    if (status === null)
      return { type: 'unparseable', reason: 'a delivery report without its delivery-status part' };
    const [, ...perRecipient] = parseFieldBlocks(status);
    const recipients: DsnRecipient[] = perRecipient
      .filter((block) => block.has('action') || block.has('final-recipient'))
      .map((block) => ({
        finalRecipient: addressOfField(block.get('final-recipient')),
        originalRecipient: addressOfField(block.get('original-recipient')),
        action: (block.get('action') ?? '').toLowerCase(),
        status: block.get('status') ?? null,
        diagnostic: block.get('diagnostic-code')?.slice(0, 1000) ?? null,
      }));
    if (recipients.length === 0)
      return { type: 'unparseable', reason: 'a delivery report naming no recipient' };
    const incomplete = recipients.find(
      (recipient) => !recipient.action || !recipient.status || !recipient.finalRecipient,
    );
    if (incomplete)
      return {
        type: 'unparseable',
        reason:
          'a delivery report whose recipient lacks Final-Recipient, Action or Status (RFC 3464 requires them)',
      };
    return { type: 'dsn', recipients, original: originalOf(mail, text) };
  }

  const feedback = attachmentText(mail, 'message/feedback-report');
  if (reportType === 'feedback-report' || feedback !== null) {
    if (feedback === null)
      return { type: 'unparseable', reason: 'a complaint report without its feedback-report part' };
    const fields = parseFieldBlocks(feedback)[0] ?? new Map<string, string>();
    const feedbackType = fields.get('feedback-type')?.toLowerCase().trim();
    if (!feedbackType || !/^[a-z-]{1,40}$/.test(feedbackType))
      return {
        type: 'unparseable',
        reason: 'a complaint report without a Feedback-Type (RFC 5965 requires it)',
      };
    return {
      type: 'arf',
      feedbackType,
      recipient: addressOfField(fields.get('original-rcpt-to')),
      original: originalOf(mail, text),
    };
  }

  const headers = new Map<string, string>();
  for (const [name, value] of mail.headerLines.map((line) => [line.key, line.line] as const))
    if (!headers.has(name)) headers.set(name, value.slice(value.indexOf(':') + 1).trim());
  const kind = autoReplyKindOf(headers, mail.subject ?? '');
  if (kind) {
    const inReplyTo = headers.get('in-reply-to')?.match(/<[^<>\s]{1,250}>/)?.[0] ?? null;
    return {
      type: 'auto_reply',
      category: kind,
      original: { sendHeader: originalOf(mail, text).sendHeader, messageId: inReplyTo },
    };
  }
  return { type: 'unparseable', reason: 'neither a delivery report, a complaint report nor an auto-reply' };
}
