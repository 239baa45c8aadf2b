// What a send to some lists would do, before it is made: how many recipients, duplicates, how many
// would be blocked and why, and how many would be sent the email. The permission rule is the send's own
// (permission-rules.ts), applied to the lists' contacts grouped by the facts it reads. The send checks
// each contact again just before sending, so the figures can move if contacts change meanwhile.
import type { BlockReason, Db } from '../../storage/schema.ts';
import { requireLists } from './manage-sends.ts';
import { blockReasonOf } from './permission-rules.ts';
import { audienceGroups } from './store.ts';

export interface SendEstimate {
  listIds: string[];
  /** Memberships found on the lists (a contact on two lists counts twice), as the send counts them. */
  recipients: number;
  duplicates: number;
  blocked: { total: number; byReason: Record<BlockReason, number> };
  /** Contacts who would be sent the email: recipients − duplicates − blocked. */
  willReceive: number;
  asOf: string;
}

export async function estimateSend(db: Db, input: { listIds: string[] }): Promise<SendEstimate> {
  const listIds = await requireLists(db, input.listIds);
  const byReason: Record<BlockReason, number> = {
    unsubscribed: 0,
    do_not_email: 0,
    no_address: 0,
    hard_bounced: 0,
  };
  let recipients = 0;
  let contacts = 0;
  let willReceive = 0;
  for (const group of await audienceGroups(db, listIds)) {
    recipients += group.memberships;
    contacts += group.contacts;
    const reason = blockReasonOf({
      memberships: group.memberships,
      subscribed: group.subscribed,
      doNotEmail: group.do_not_email === 1,
      // The rule asks only whether there is an address; the group knows just that.
      email: group.has_email === 1 ? 'an address' : null,
      suppressed: group.suppressed === 1,
    });
    if (reason) byReason[reason] += group.contacts;
    else willReceive += group.contacts;
  }
  const total = Object.values(byReason).reduce((sum, n) => sum + n, 0);
  return {
    listIds,
    recipients,
    duplicates: recipients - contacts,
    blocked: { total, byReason },
    willReceive,
    asOf: new Date().toISOString(),
  };
}
