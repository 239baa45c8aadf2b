// How scoring sees a visit: with every page it viewed (`paths`) beside its entry path, and the engaged
// time the visit row holds. The live pass (score-feed.ts), the settling of ended visits (settle-visits.ts),
// a publish recompute and the preview (publish-model.ts) all read visits through this function, so a
// visit meets page and engaged-time rules the same way whoever awards it. Decision 036.
import type { Interaction } from '../platform/interactions/interaction.ts';
import type { Db } from '../storage/schema.ts';
import { pathsOfVisits } from '../tracking/store.ts';

/** The items, each visit among them given `attributes.paths` (one query for all of them). */
export async function withVisitPages(db: Db, items: readonly Interaction[]): Promise<Interaction[]> {
  const visitIds = items.filter((item) => item.kind === 'visit' && item.source === 'visit').map((i) => i.id);
  if (visitIds.length === 0) return [...items];
  const paths = new Map<string, string[]>();
  for (let i = 0; i < visitIds.length; i += 500)
    for (const [id, list] of await pathsOfVisits(db, visitIds.slice(i, i + 500))) paths.set(id, list);
  return items.map((item) =>
    item.kind === 'visit' && item.source === 'visit'
      ? { ...item, attributes: { ...item.attributes, paths: paths.get(item.id) ?? [] } }
      : item,
  );
}
