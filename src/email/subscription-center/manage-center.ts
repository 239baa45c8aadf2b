// The subscription center's work: what a contact sees (the public lists with their status) and applying
// their choices. Joining a list is lists' subscribeContact (a consent event, the email named); leaving
// goes through the one unsubscribe the caller hands in (the engagement writer's: counted once per message
// and recipient, each ended membership a consent event).
import { findContactRow } from '../../contacts/store.ts';
import { publicListRows, statusesOf } from '../../lists/consent-store.ts';
import { subscribeContact } from '../../lists/store.ts';
import type { Db } from '../../storage/schema.ts';
import { type CenterChoice, planCenterChanges } from './center-rules.ts';
import { CENTER_WORDING_VERSION, type CenterList } from './pages.ts';

export interface CenterView {
  email: string | null;
  lists: CenterList[];
  subscribedAnywhere: boolean;
}

/** What the contact sees, or null when the contact is gone (erased, merged away). */
export async function readCenter(db: Db, contactId: string): Promise<CenterView | null> {
  const contact = await findContactRow(db, contactId);
  if (!contact) return null;
  const statuses = await statusesOf(db, contactId);
  const lists = (await publicListRows(db)).map((row) => ({
    id: row.id,
    name: row.public_name ?? row.name,
    description: row.public_description,
    status: statuses.get(row.id) ?? ('none' as const),
  }));
  return {
    email: contact.email,
    lists,
    subscribedAnywhere: [...statuses.values()].includes('subscribed'),
  };
}

/** Leaves these lists through the one unsubscribe; returns how many memberships it ended. */
export type Unsubscribe = (listIds: string[]) => Promise<number>;

/** Applies a post of the center; returns how many lists were joined and left. */
export async function applyCenterChoice(
  db: Db,
  input: { contactId: string; sendId: string; choice: CenterChoice; unsubscribe: Unsubscribe; now: number },
): Promise<{ joined: number; left: number }> {
  const publicIds = (await publicListRows(db)).map((row) => row.id);
  const plan = planCenterChanges(input.choice, publicIds, await statusesOf(db, input.contactId));
  let joined = 0;
  for (const listId of plan.subscribe) {
    const outcome = await subscribeContact(db, listId, input.contactId, {
      source: 'subscription_center',
      // The person asking, on their own page: an earlier unsubscribe gives way.
      resubscribe: true,
      now: input.now,
      consent: { sendId: input.sendId, wordingVersion: CENTER_WORDING_VERSION },
    });
    if (outcome === 'added' || outcome === 'resubscribed') joined += 1;
  }
  const left = plan.unsubscribe.length > 0 ? await input.unsubscribe(plan.unsubscribe) : 0;
  return { joined, left };
}

/** The sentence the page shows after a post. */
export function noticeOf(action: CenterChoice['action'], result: { joined: number; left: number }): string {
  if (action === 'unsubscribe_all') return 'You are unsubscribed from all our lists.';
  if (result.joined === 0 && result.left === 0) return 'Nothing changed: your choices were already saved.';
  return 'Your choices are saved.';
}
