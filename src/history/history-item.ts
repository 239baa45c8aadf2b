// The items of a contact's history: one typed entry per interaction, newest first, made from the
// interaction feed's items (to-history-item.ts). A source history has no shape for yet shows as an
// OtherItem: a new capability appears in history as soon as it registers with the feed.
import type { DeliveryAttributes } from '../email/sends/send-interactions.ts';
import type { VisitAttributes } from '../tracking/visit-interactions.ts';

export interface HistoryPageview {
  url: string;
  path: string;
  title: string | null;
  at: string;
  engagedMs: number;
}

/** A visit as the feed carries it, with where it happened and the page views it holds. */
export interface VisitItem extends VisitAttributes {
  type: 'visit';
  /** When the visit started (a visit is placed by its start; it may have continued after). */
  at: string;
  id: string;
  website: { id: string; name: string | null };
  /** Set when the visit was labelled as a bot's (kept, not dropped). */
  bot: string | null;
  /** Oldest first within the visit. */
  pageviews: HistoryPageview[];
}

export interface FormSubmissionItem {
  type: 'form_submission';
  at: string;
  id: string;
  form: { id: string; name: string | null };
  status: 'pending' | 'processed' | 'failed';
  /** Whether the submission created the contact or updated it. */
  outcome: 'created' | 'updated' | null;
  /** Submitted without tracking consent: the browser was not linked. */
  anonymous: boolean;
  consents: Record<string, boolean>;
  values: Record<string, string | null>;
}

export interface EmailItem {
  type: 'email';
  at: string;
  id: string;
  event: 'open' | 'click' | 'unsubscribe';
  /** The send (one mailing of a message); its subject as the contact reads it (their fields now). Null fields: the send was deleted. */
  send: { id: string; subject: string | null };
  message: { id: string | null; name: string | null };
  /** Clicks: the link by its position in the message (the honeypot has no URL to show). */
  link: { position: number; url: string | null; honeypot: boolean } | null;
  /** Set when the open was a machine's or the click a scanner's (the reason); kept, not hidden. */
  machine: string | null;
}

/** An email sent to the contact (or bounced when it was attempted), as the send worker recorded it. */
export interface EmailSentItem {
  type: 'email_sent';
  /** When it was sent, or attempted and refused. */
  at: string;
  /** "send.contact" */
  id: string;
  send: { id: string; subject: string | null };
  message: { id: string | null; name: string | null };
  /** sent, hard_bounce or soft_bounce (refused when attempted, or reported by a bounce later). */
  status: DeliveryAttributes['status'];
  /** The receiving server's last answer (a bounce's reason). */
  response: string | null;
}

/** An interaction of a source history has no shape of its own for: the feed's item as it is. */
export interface OtherItem {
  /** The feed source's name. */
  type: string;
  at: string;
  id: string;
  kind: string;
  subjects: Record<string, { id: string; name: string | null }>;
  machine: string | null;
  attributes: Record<string, unknown>;
}

export type HistoryItem = VisitItem | FormSubmissionItem | EmailItem | EmailSentItem | OtherItem;
