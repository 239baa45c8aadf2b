// What a send to some lists would do, before it is made: how many recipients, duplicates, how many
// would be blocked and why, and how many would be sent the email — for the dashboard's confirmation,
// which must answer at once for lists of a million members (docs/decisions/021-send-estimate-counters.md).
//
// Each list's members are counted by what the send's permission rule (permission-rules.ts) would do with
// them, by triggers, in the transaction of every change (migration 015); suppressions expire with time,
// so the suppressed among the receivable are counted by their suppression's expiry (migration 019) and
// the estimate sums those later than now.
// One list: the figures are those counts, exact. Several lists share contacts (a contact on two lists gets one email, and is blocked as
// unsubscribed only if unsubscribed from all of them), which per-list counters cannot tell: when the lists
// hold few memberships together the contacts are grouped exactly; otherwise the answer is bounds from the
// counters (`exact: false`), and the exact figures are the send's own when it is prepared. The send checks
// each contact again just before sending, so the figures can move if contacts change meanwhile.
import { type AudienceCounts, audienceCounts } from '../../lists/store.ts';
import type { BlockReason, Db } from '../../storage/schema.ts';
import { requireLists } from './manage-sends.ts';
import { blockReasonOf } from './permission-rules.ts';
import { audienceGroups, suppressedReceivable } from './store.ts';

/** Several lists holding at most this many memberships together are grouped by contact, exactly. */
export const EXACT_GROUPING_LIMIT = 2_000;

export interface SendEstimate {
  listIds: string[];
  /**
   * True: every figure is exact. False (several large lists): `willReceive` and the blocked figures are
   * upper bounds (a contact on several lists counted once per list), `willReceiveAtLeast` the lower
   * bound, and `duplicates` unknown; the send's progress gives the exact figures once it is prepared.
   */
  exact: boolean;
  /** Memberships found on the lists (a contact on two lists counts twice), as the send counts them. */
  recipients: number;
  duplicates: number | null;
  blocked: { total: number; byReason: Record<BlockReason, number> };
  /** Contacts who would be sent the email: recipients − duplicates − blocked (exact), or at most this. */
  willReceive: number;
  /** The fewest who would be sent the email: `willReceive` when exact, else the largest list's share. */
  willReceiveAtLeast: number;
  asOf: string;
}

const noReasons = (): Record<BlockReason, number> => ({
  unsubscribed: 0,
  do_not_email: 0,
  no_address: 0,
  hard_bounced: 0,
});

const membersOf = (counts: AudienceCounts) => Object.values(counts).reduce((sum, n) => sum + n, 0);

export async function estimateSend(
  db: Db,
  input: { listIds: string[] },
  options: { exactGroupingLimit?: number; now?: number } = {},
): Promise<SendEstimate> {
  const now = options.now ?? Date.now();
  const listIds = await requireLists(db, input.listIds);
  const perList = await audienceCounts(db, listIds);
  for (const [listId, suppressed] of await suppressedReceivable(db, listIds, now)) {
    const counts = perList.get(listId);
    if (!counts) continue;
    counts.receivable -= suppressed;
    counts.hard_bounced += suppressed;
  }
  const memberships = [...perList.values()].reduce((sum, counts) => sum + membersOf(counts), 0);
  const asOf = new Date(now).toISOString();
  if (listIds.length > 1 && memberships <= (options.exactGroupingLimit ?? EXACT_GROUPING_LIMIT))
    return { ...(await groupedExactly(db, listIds, now)), asOf };

  // One list: its counters are the answer. Several: each sum is an upper bound of its figure.
  const byReason = noReasons();
  let willReceive = 0;
  let willReceiveAtLeast = 0;
  for (const counts of perList.values()) {
    for (const reason of Object.keys(byReason) as BlockReason[]) byReason[reason] += counts[reason];
    willReceive += counts.receivable;
    willReceiveAtLeast = Math.max(willReceiveAtLeast, counts.receivable);
  }
  const exact = listIds.length === 1;
  return {
    listIds,
    exact,
    recipients: memberships,
    duplicates: exact ? 0 : null,
    blocked: { total: sumOf(byReason), byReason },
    willReceive,
    willReceiveAtLeast,
    asOf,
  };
}

const sumOf = (byReason: Record<BlockReason, number>) =>
  Object.values(byReason).reduce((sum, n) => sum + n, 0);

/** The lists' contacts grouped by the facts the rule reads: one pass over their (few) memberships. */
async function groupedExactly(db: Db, listIds: string[], now: number): Promise<Omit<SendEstimate, 'asOf'>> {
  const byReason = noReasons();
  let recipients = 0;
  let contacts = 0;
  let willReceive = 0;
  for (const group of await audienceGroups(db, listIds, now)) {
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
  return {
    listIds,
    exact: true,
    recipients,
    duplicates: recipients - contacts,
    blocked: { total: sumOf(byReason), byReason },
    willReceive,
    willReceiveAtLeast: willReceive,
  };
}
