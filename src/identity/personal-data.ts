// What identity holds about a contact for the personal-data registry: the browsers linked to them
// (with the other ids each is known by) and the records of contacts merged into them.
import { iso, parseJson } from '../platform/personal-data/export-values.ts';
import type { PersonalDataHolder } from '../platform/personal-data/registry.ts';
import {
  aliasesOf,
  deleteLinkedVisitors,
  deleteMergesWonBy,
  linkedVisitors,
  mergesWonBy,
  moveMergeRecords,
  moveVisitors,
} from './store.ts';

/** A stored contact row (a merge snapshot) with its custom fields opened up. */
function snapshot(text: string): unknown {
  const row = parseJson(text);
  if (row && typeof row === 'object' && 'custom' in row && typeof row.custom === 'string') {
    return { ...row, custom: parseJson(row.custom) };
  }
  return row;
}

export const identityPersonalData: PersonalDataHolder = {
  name: 'identity',
  async export({ tx, contactId }) {
    const visitors = await linkedVisitors(tx, contactId);
    const aliases = await aliasesOf(
      tx,
      visitors.map((v) => v.id),
    );
    const merges = await mergesWonBy(tx, contactId);
    return {
      visitors: visitors.map((v) => ({
        id: v.id,
        firstSeenAt: iso(v.created_at),
        lastSeenAt: iso(v.last_seen_at),
        /** Other ids the same browser is known by (a first-party cookie that disagreed). */
        aliases: aliases.filter((a) => a.visitor_id === v.id).map((a) => a.alias_id),
      })),
      merges: merges.map((m) => ({
        id: m.id,
        mergedContactId: m.loser_id,
        mergedAt: iso(m.merged_at),
        reason: m.reason,
        mergedContactSnapshot: snapshot(m.loser_snapshot),
      })),
    };
  },
  async erase({ tx, engine, contactId }) {
    // After tracking's erasure (which locked these browsers and deleted their visits).
    const browsers = await deleteLinkedVisitors(tx, engine, contactId);
    const mergeRecords = await deleteMergesWonBy(tx, contactId);
    return { visitors: browsers.visitors, visitorAliases: browsers.aliases, mergeRecords };
  },
  async merge({ tx, winnerId, loserId }) {
    await moveVisitors(tx, loserId, winnerId);
    await moveMergeRecords(tx, loserId, winnerId);
  },
};
