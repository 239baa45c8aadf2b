// Managing email messages through the API: every save checks the addresses and the templates (a
// message that cannot render is refused then, not discovered mid-send), and previews for a contact.
import { normalizeEmail } from '../../contacts/contact-rules.ts';
import { findContactRow } from '../../contacts/store.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Db } from '../../storage/schema.ts';
import { mergeContactOf, STANDARD } from './merge-contact.ts';
import type { Message, MessageInput, MessageSummary } from './message.ts';
import { type MergeContact, prepareMessage, type RefusedLink, UNTRACKED_ATTRIBUTE } from './render-email.ts';
import {
  deleteMessageRow,
  findMessageRow,
  insertMessage,
  listMessageSummaries,
  type MessageRow,
  type MessageValues,
  toMessage,
  updateMessage,
} from './store.ts';

export interface MessagePreview {
  subject: string;
  html: string;
  text: string;
  /** The tracked links by position, as a send will record them (the hidden honeypot left out). */
  links: { position: number; url: string }[];
}

/** Empty and blank optional text means "none". */
const optional = (value: string | null | undefined) => (value?.trim() ? value : null);

/**
 * Which of these offer ids name no offer (src/offers answers; app.ts passes it in, so messages need not
 * import offers, which reads sends).
 */
export type UnknownOffers = (db: Db, offerIds: readonly string[]) => Promise<string[]>;

async function refuseUnknownOffers(db: Db, values: MessageValues, unknownOffers?: UnknownOffers) {
  const { offerIds } = prepareMessage({ subject: values.subject, html: values.html, text: values.text });
  const unknown = unknownOffers && offerIds.length > 0 ? await unknownOffers(db, offerIds) : [];
  if (unknown.length > 0)
    throw new AppError(
      'unprocessable',
      `The message links to an offer that does not exist: ${unknown.map((id) => `"${id}"`).join(', ')}. Copy the offer's tag from its page.`,
      { fields: { html: 'links to an unknown offer' }, unknownOfferIds: unknown },
    );
}

function checkValues(values: MessageValues): MessageValues {
  const problems: Record<string, string> = {};
  const name = values.name.trim();
  if (name === '') problems['name'] = 'is empty';
  if (values.subject.trim() === '') problems['subject'] = 'is empty';
  if (values.html.trim() === '') problems['html'] = 'is empty';
  const fromName = values.from_name?.trim() || null;
  // A line break in a header value would let it start another header.
  if (fromName && /[\r\n\p{Cc}]/u.test(fromName)) problems['fromName'] = 'must be one line of text';
  const address = (field: string, raw: string | null) => {
    if (raw === null || raw.trim() === '') return null;
    const normalized = normalizeEmail(raw);
    if (!normalized) problems[field] = 'is not a valid email address';
    return normalized?.email ?? null;
  };
  const fromEmail = address('fromEmail', values.from_email);
  const replyTo = address('replyTo', values.reply_to);
  if (Object.keys(problems).length > 0) {
    throw new AppError(
      'unprocessable',
      `Some values are not valid: ${Object.entries(problems)
        .map(([field, message]) => `${field} ${message}`)
        .join('; ')}.`,
      { fields: problems },
    );
  }
  const checked = { ...values, name, from_name: fromName, from_email: fromEmail, reply_to: replyTo };
  // Parsing finds invalid Liquid; one render finds what only shows when it runs (a runaway loop).
  const prepared = prepareMessage({ subject: checked.subject, html: checked.html, text: checked.text });
  prepared.render({}, null);
  refuseLinks(prepared.refusedLinks);
  return checked;
}

/** A tracked link is a redirect Spoor will answer: its destination must be one it can send people to. */
function refuseLinks(refused: RefusedLink[]): void {
  const first = refused[0];
  if (!first) return;
  const field = first.part === 'HTML body' ? 'html' : 'text';
  const optOut =
    first.part === 'HTML body' ? `, or mark the link ${UNTRACKED_ATTRIBUTE} to send it as written` : '';
  throw new AppError(
    'unprocessable',
    `A link in the ${first.part} cannot be tracked. ${first.problem} Correct the address${optOut}.`,
    {
      fields: { [field]: first.problem },
      links: refused.map(({ part, url, problem }) => ({ part, url, problem })),
    },
  );
}

function valuesOf(input: MessageInput, base?: MessageRow): MessageValues {
  const pick = <T>(value: T | undefined, fallback: T) => (value === undefined ? fallback : value);
  return {
    name: input.name ?? base?.name ?? '',
    subject: input.subject ?? base?.subject ?? '',
    html: input.html ?? base?.html ?? '',
    text: optional(pick(input.text, base?.text ?? null)),
    from_name: pick(input.fromName, base?.from_name ?? null),
    from_email: pick(input.fromEmail, base?.from_email ?? null),
    reply_to: pick(input.replyTo, base?.reply_to ?? null),
  };
}

async function requireMessage(db: Db, id: string): Promise<MessageRow> {
  const row = await findMessageRow(db, id);
  if (!row) throw new AppError('not_found', `No message with id "${id}".`);
  return row;
}

export async function createMessage(
  db: Db,
  input: MessageInput,
  unknownOffers?: UnknownOffers,
): Promise<Message> {
  const values = checkValues(valuesOf(input));
  await refuseUnknownOffers(db, values, unknownOffers);
  const id = newId();
  await insertMessage(db, id, values, Date.now());
  return toMessage((await findMessageRow(db, id))!);
}

/** Changes the fields given; null clears an optional one (text, fromName, fromEmail, replyTo). */
export async function changeMessage(
  db: Db,
  id: string,
  input: Partial<MessageInput>,
  unknownOffers?: UnknownOffers,
): Promise<Message> {
  const current = await requireMessage(db, id);
  const values = checkValues(valuesOf(input as MessageInput, current));
  await refuseUnknownOffers(db, values, unknownOffers);
  await updateMessage(db, id, values, Date.now());
  return toMessage((await findMessageRow(db, id))!);
}

export async function getMessage(db: Db, id: string): Promise<Message> {
  return toMessage(await requireMessage(db, id));
}

export async function listMessages(db: Db): Promise<MessageSummary[]> {
  return listMessageSummaries(db);
}

/** Sends copy the message when they are created, so deleting it changes no send, past or queued. */
export async function deleteMessage(db: Db, id: string): Promise<void> {
  if (!(await deleteMessageRow(db, id))) throw new AppError('not_found', `No message with id "${id}".`);
}

export interface DraftPreview extends MessagePreview {
  /** Links left untracked because their destination cannot be stored; saving the message refuses them. */
  refusedLinks: { part: string; url: string; problem: string }[];
}

/**
 * A draft (not saved yet) as a contact would get it, for the editor's live preview: the templates are
 * checked as saving checks them, but links that cannot be tracked are listed instead of refused.
 * Without a contact, the merge fields render empty (or their `default`).
 */
export async function previewDraft(
  db: Db,
  draft: { subject: string; html: string; text?: string | null | undefined; contactId?: string | undefined },
): Promise<DraftPreview> {
  let contact: MergeContact = {};
  if (draft.contactId !== undefined) {
    const row = await findContactRow(db, draft.contactId);
    if (!row) throw new AppError('not_found', `No contact with id "${draft.contactId}".`);
    contact = mergeContactOf(row);
  }
  const prepared = prepareMessage({ subject: draft.subject, html: draft.html, text: optional(draft.text) });
  return {
    ...prepared.render(contact, null),
    links: prepared.links.filter((link) => !link.honeypot).map(({ position, url }) => ({ position, url })),
    refusedLinks: prepared.refusedLinks.map(({ part, url, problem }) => ({ part, url, problem })),
  };
}

/** The merge fields a template can use, for the editor. */
export function mergeFields(): { tag: string; description: string }[] {
  const words = (field: string) => field.replaceAll('_', ' ');
  return [
    ...STANDARD.map((field) => ({
      tag: `{{ contact.${field} }}`,
      description: `The contact's ${words(field)}.`,
    })),
    { tag: '{{ contact.custom.<key> }}', description: 'A custom field of the contact, by its key.' },
    {
      tag: '{{ contact.first_name | default: "there" }}',
      description: 'A fallback for contacts without the value.',
    },
    {
      tag: '{{ unsubscribe_url }}',
      description: "The recipient's own unsubscribe link (put it in an href).",
    },
    {
      tag: '{{ offer "ID" }}',
      description:
        "The recipient's own link to an offer, by the offer's id (put it in an href): it claims the offer for them while it is valid.",
    },
    {
      tag: '{{ subscription_center_url }}',
      description:
        "The recipient's subscription center: their lists, to change or leave (put it in an href).",
    },
    {
      tag: '{{ forward_url }}',
      description:
        "The recipient's forward-to-a-friend form: up to 5 addresses, each sent a copy with none of the recipient's links (put it in an href).",
    },
  ];
}

/**
 * The message as this contact would get it, with the original links (no tracking, no pixel). Without a
 * contact, the merge fields render empty (or their `default`).
 */
export async function previewMessage(
  db: Db,
  id: string,
  contactId: string | undefined,
): Promise<MessagePreview> {
  const message = await requireMessage(db, id);
  let merge: MergeContact = {};
  if (contactId !== undefined) {
    const contact = await findContactRow(db, contactId);
    if (!contact) throw new AppError('not_found', `No contact with id "${contactId}".`);
    merge = mergeContactOf(contact);
  }
  const prepared = prepareMessage({ subject: message.subject, html: message.html, text: message.text });
  const rendered = prepared.render(merge, null);
  return {
    ...rendered,
    links: prepared.links.filter((link) => !link.honeypot).map(({ position, url }) => ({ position, url })),
  };
}
