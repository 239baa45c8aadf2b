// Tracking's interaction source: the visits of known visitors. They include the visits a browser made
// anonymously before it was identified: those become the contact's when the browser is first linked
// (and enter the global feed then, logged by migration 011's trigger).
import type { Interaction, InteractionSource } from '../platform/interactions/interaction.ts';
import { contactVisitsByIds, type VisitRow, visitPageOfContact } from './store.ts';

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

/** What a visit item carries in `attributes` (read back by contact history). */
export interface VisitAttributes {
  startedAt: string;
  lastSeenAt: string;
  entryPath: string;
  referrer: string | null;
  utm: {
    source: string | null;
    medium: string | null;
    campaign: string | null;
    term: string | null;
    content: string | null;
  };
  pageviewCount: number;
  engagedMs: number;
}

function toInteraction(row: VisitRow): Interaction {
  const attributes: VisitAttributes = {
    startedAt: iso(row.started_at),
    lastSeenAt: iso(row.last_seen_at),
    entryPath: row.entry_path,
    referrer: row.referrer,
    utm: {
      source: row.utm_source,
      medium: row.utm_medium,
      campaign: row.utm_campaign,
      term: row.utm_term,
      content: row.utm_content,
    },
    pageviewCount: row.pageviews,
    engagedMs: Number(row.engaged_ms),
  };
  return {
    id: row.id,
    source: 'visit',
    kind: 'visit',
    contactId: row.contact_id ?? '',
    // A visit is placed by its start (it may have continued after).
    occurredAt: iso(row.started_at),
    subjects: { website: { id: row.website_id, name: row.website_name } },
    machine: row.bot_reason,
    attributes: { ...attributes },
  };
}

export const visitInteractions: InteractionSource = {
  name: 'visit',
  kinds: ['visit'],
  async ofContact(db, contactId, bound, limit) {
    return (await visitPageOfContact(db, contactId, bound, limit)).map(toInteraction);
  },
  async byIds(db, ids) {
    return (await contactVisitsByIds(db, ids)).map(toInteraction);
  },
};
