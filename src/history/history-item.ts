// The items of a contact's history: one typed entry per interaction, newest first. Each kind comes
// from its own source (visit-items.ts, form-submission-items.ts, email-items.ts); offer and event
// sources join the union and the SOURCES list in contact-history.ts without touching the others.
import type { Db } from '../storage/schema.ts';
import type { SourceBound } from './history-cursor.ts';

export interface HistoryPageview {
  url: string;
  path: string;
  title: string | null;
  at: string;
  engagedMs: number;
}

export interface VisitItem {
  type: 'visit';
  /** When the visit started (a visit is placed by its start; it may have continued after). */
  at: string;
  id: string;
  website: { id: string; name: string | null };
  startedAt: string;
  lastSeenAt: string;
  entryPath: string;
  referrer: string | null;
  utm: {
    source: string | null;
    medium: string | null;
    campaign: string | null;
    term: string | null;
    content: string | null;
  };
  pageviewCount: number;
  engagedMs: number;
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
  /** The send (one mailing of a message); subject as sent. Null fields: the send was deleted. */
  send: { id: string; subject: string | null };
  message: { id: string | null; name: string | null };
  /** Clicks: the link by its position in the message (the honeypot has no URL to show). */
  link: { position: number; url: string | null; honeypot: boolean } | null;
  /** Set when the open was a machine's or the click a scanner's (the reason); kept, not hidden. */
  machine: string | null;
}

export type HistoryItem = VisitItem | FormSubmissionItem | EmailItem;
export type HistoryItemType = HistoryItem['type'];

/** One kind of interaction. `list` answers newest first, at most `limit`, strictly after `bound`. */
export interface HistorySource {
  type: HistoryItemType;
  list(db: Db, contactId: string, bound: SourceBound | null, limit: number): Promise<HistoryItem[]>;
  /** Fills in, in place, what only the items that made the page need (a visit's page views). */
  complete?(db: Db, items: HistoryItem[]): Promise<void>;
}
