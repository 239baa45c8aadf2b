// A mailing list and its members as the API shows them.
import type { ListMemberStatus } from '../storage/schema.ts';

export interface MailingList {
  id: string;
  name: string;
  description: string | null;
  /** Members by status; unsubscribed members stay on the list so no later send reaches them. */
  members: { subscribed: number; unsubscribed: number };
  /** Shown on the subscription center, under publicName (else name) and publicDescription. */
  public: boolean;
  publicName: string | null;
  publicDescription: string | null;
  /** A form sign-up to this list waits for the person's confirmation by email. */
  doubleOptIn: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ListMember {
  contactId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  status: ListMemberStatus;
  /** How the contact came onto the list: 'api', 'form' or 'import'. */
  source: string;
  addedAt: string;
  unsubscribedAt: string | null;
  /** The send whose email led to the unsubscribe, when one did. */
  unsubscribedSendId: string | null;
  /** That email's subject as sent (null: no send, or the send was deleted). */
  unsubscribedSendSubject: string | null;
}

/** One of a contact's lists. */
export interface Membership {
  listId: string;
  listName: string;
  status: ListMemberStatus;
  source: string;
  addedAt: string;
  unsubscribedAt: string | null;
  unsubscribedSendId: string | null;
}

/** What adding members in bulk did, contact by contact counted. */
export interface AddMembersResult {
  added: number;
  already: number;
  keptUnsubscribed: number;
  resubscribed: number;
}
