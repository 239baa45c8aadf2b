// The interaction feed's one shape, and what a domain implements to join the feed (an InteractionSource).
import type { Db } from '../../storage/schema.ts';

/** Something an interaction is about, by id, with the name a person would read (null: none or deleted). */
export interface SubjectRef {
  id: string;
  name: string | null;
}

/**
 * One interaction of one contact. `source` is the registered source it came from (unique per domain
 * table); `kind` what happened (`email_click`, `visit`, `form_submission`, …). Ids are unique per source.
 */
export interface Interaction {
  id: string;
  source: string;
  kind: string;
  contactId: string;
  /** ISO 8601 instant. */
  occurredAt: string;
  /** What it was about: website, visit, page, form, message, send, link (id = the link's position), … */
  subjects: Record<string, SubjectRef>;
  /**
   * The machine label when a machine made it (a mail privacy proxy's open, a security scanner's click, a
   * bot's visit): kept, not dropped; scoring and marketers' figures exclude labelled items.
   */
  machine: string | null;
  /** Whatever else the kind carries (a form's values, a visit's UTM tags), as JSON values. */
  attributes: Record<string, unknown>;
}

/**
 * Where a contact read continues: items strictly after the cursor's position in newest-first order.
 * `sameAtIdBelow`: the cursor's own source — same instant only with a lower id.
 */
export type SourceBound =
  | { at: number; orEqual: boolean }
  | { at: number; orEqual: false; sameAtIdBelow: string };

/**
 * A domain's interactions, as the feed reads them. The domain's own store answers both questions; the
 * feed never names a domain table. Items appear in the global feed through the interaction log, which
 * the domain fills in the transaction that makes an item a contact's (a trigger, or recordInteraction).
 */
export interface InteractionSource {
  /** Lower-case letters and underscores; also the tie-break between sources at the same instant. */
  name: string;
  kinds: readonly string[];
  /** The contact's items, newest first by (occurred at, id), strictly after `bound`, at most `limit`. */
  ofContact(db: Db, contactId: string, bound: SourceBound | null, limit: number): Promise<Interaction[]>;
  /** The items with these ids that still exist and still belong to a contact, in any order. */
  byIds(db: Db, ids: readonly string[]): Promise<Interaction[]>;
}
