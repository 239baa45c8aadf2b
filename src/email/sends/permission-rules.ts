// Whether a contact may be sent a marketing email, and if not, why: "blocked due to contact permission"
// is recorded and never attempted. One rule for preparing a send and for the re-check just before sending.
import type { BlockReason } from '../../storage/schema.ts';

export interface PermissionFacts {
  /** The contact's memberships on the send's lists, and how many of them are still subscribed. */
  memberships: number;
  subscribed: number;
  doNotEmail: boolean;
  email: string | null;
  /** The address is on the suppression list (an earlier hard bounce). */
  suppressed: boolean;
}

/**
 * null = may be sent. When several reasons hold, the contact's own choices come first (they are what a
 * marketer must respect and report), then the facts about the address.
 */
export function blockReasonOf(facts: PermissionFacts): BlockReason | null {
  // On none of the lists any more (an admin removed them while a large send was under way) counts too.
  if (facts.subscribed === 0) return 'unsubscribed';
  if (facts.doNotEmail) return 'do_not_email';
  if (!facts.email || facts.email.trim() === '') return 'no_address';
  if (facts.suppressed) return 'hard_bounced';
  return null;
}
