// What a subscription center post asks for, decided from what the page showed and what the contact is on.
// Pure: the lists to join and the lists to leave. Only lists the page showed and that are still public
// change (a list made public after the page was rendered was never offered, so its box was never
// unticked); "unsubscribe from all" leaves every list the contact is subscribed to, public or not.

export type CenterAction = 'save' | 'unsubscribe_all';
export type MemberStatus = 'subscribed' | 'unsubscribed';

export interface CenterChoice {
  action: CenterAction;
  /** The lists the page showed (its hidden fields). */
  shown: readonly string[];
  /** The boxes ticked. */
  ticked: readonly string[];
}

export interface CenterPlan {
  subscribe: string[];
  unsubscribe: string[];
}

export function planCenterChanges(
  choice: CenterChoice,
  publicListIds: readonly string[],
  statuses: ReadonlyMap<string, MemberStatus>,
): CenterPlan {
  if (choice.action === 'unsubscribe_all') {
    const unsubscribe = [...statuses].filter(([, status]) => status === 'subscribed').map(([id]) => id);
    return { subscribe: [], unsubscribe: unsubscribe.sort() };
  }
  const offered = new Set(publicListIds);
  const ticked = new Set(choice.ticked);
  const plan: CenterPlan = { subscribe: [], unsubscribe: [] };
  for (const listId of new Set(choice.shown)) {
    if (!offered.has(listId)) continue;
    const subscribed = statuses.get(listId) === 'subscribed';
    if (ticked.has(listId) && !subscribed) plan.subscribe.push(listId);
    if (!ticked.has(listId) && subscribed) plan.unsubscribe.push(listId);
  }
  return plan;
}
