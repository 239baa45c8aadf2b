// The rules of forward to a friend, pure: reading the addresses a form post entered, the limit per
// forwarder, and whether one friend gets the copy. Tested by table (forward-rules.test.ts).
//
// What the forwarder is told depends only on their own post (a malformed address, too many at once, over
// their own total for this email): never on what we know about a friend. A suppressed address, one whose
// contact unsubscribed or one over the per-address limit is answered exactly like one that gets the copy.
import { normalizeEmail } from '../../contacts/contact-rules.ts';

export interface ForwardLimits {
  /** Addresses one post of the form may enter. */
  perPost: number;
  /** Addresses one recipient may forward one email to, over all their posts. */
  perForwarderPerSend: number;
  /** Copies one address may receive in 24 hours, from every forwarder and email together. */
  perAddressPerDay: number;
}

export interface FriendAddress {
  email: string;
  /** Lower-cased: what suppression, contacts and the hash compare. */
  match: string;
}

export type EnteredAddresses = { ok: true; addresses: FriendAddress[] } | { ok: false; problem: string };

const MAX_FIELD_LENGTH = 320;

/** The distinct valid addresses of a post's fields (blank fields ignored), or what the person must fix. */
export function readFriendAddresses(fields: readonly string[], limits: ForwardLimits): EnteredAddresses {
  const entered = fields.map((field) => field.trim()).filter((field) => field !== '');
  if (entered.length === 0) return { ok: false, problem: 'Enter at least one email address.' };
  if (entered.length > limits.perPost)
    return { ok: false, problem: `Enter at most ${limits.perPost} addresses at a time.` };
  const addresses = new Map<string, FriendAddress>();
  for (const field of entered) {
    const normalized = field.length > MAX_FIELD_LENGTH ? null : normalizeEmail(field);
    if (!normalized)
      return { ok: false, problem: `“${field.slice(0, 80)}” is not an email address. Please correct it.` };
    if (!addresses.has(normalized.match))
      addresses.set(normalized.match, { email: normalized.email, match: normalized.match });
  }
  return { ok: true, addresses: [...addresses.values()] };
}

/** Why this forwarder may not forward `entering` more addresses of this email, or null when they may. */
export function forwarderRefusal(already: number, entering: number, limits: ForwardLimits): string | null {
  if (already + entering <= limits.perForwarderPerSend) return null;
  const left = Math.max(0, limits.perForwarderPerSend - already);
  if (left === 0)
    return `You have already forwarded this email to ${already} addresses, as many as we allow. Thank you for sharing it.`;
  return `You can forward this email to ${left} more ${left === 1 ? 'address' : 'addresses'}.`;
}

export type MembershipStatus = 'subscribed' | 'unsubscribed';

/** What we hold about the friend's address when deciding. */
export interface FriendFacts {
  /** A suppression in force (bounces, complaints). */
  suppressed: boolean;
  /** Every contact with this address: their do-not-email flag and list memberships. */
  contacts: readonly {
    doNotEmail: boolean;
    memberships: readonly { listId: string; status: MembershipStatus }[];
  }[];
  /** Copies queued or sent to this address in the last 24 hours (every forwarder, every email). */
  copiesLastDay: number;
}

export type FriendVerdict = 'send' | 'suppressed' | 'unsubscribed' | 'limited';

/**
 * Whether the friend gets the copy. A contact "unsubscribed" when they asked for no email (do not email),
 * left one of the lists this email went to, or left lists and is subscribed to none: a forward must not
 * reach a person who told us to stop (CAN-SPAM's forward-to-a-friend rule, research/email-tracking.md).
 */
export function friendVerdict(
  facts: FriendFacts,
  sendListIds: readonly string[],
  limits: ForwardLimits,
): FriendVerdict {
  if (facts.suppressed) return 'suppressed';
  const sendLists = new Set(sendListIds);
  for (const contact of facts.contacts) {
    if (contact.doNotEmail) return 'unsubscribed';
    const left = contact.memberships.filter((m) => m.status === 'unsubscribed');
    if (left.some((m) => sendLists.has(m.listId))) return 'unsubscribed';
    if (left.length > 0 && !contact.memberships.some((m) => m.status === 'subscribed')) return 'unsubscribed';
  }
  if (facts.copiesLastDay >= limits.perAddressPerDay) return 'limited';
  return 'send';
}
