// Scoring's interaction source: a contact's score changes and becoming sales-ready, in their timeline and
// the global feed (webhooks tell a CRM). Logged with recordInteraction in the transaction that changes the
// score. The scoring consumer never reads this source (it would score its own output).
import type { Interaction, InteractionSource } from '../platform/interactions/interaction.ts';
import { SCORING_SOURCE } from './score-contacts.ts';
import { scoringEventsByIds, scoringEventsOfContact } from './store.ts';

export const SCORING_KINDS = ['score_changed', 'became_sales_ready'] as const;

function toInteraction(row: Awaited<ReturnType<typeof scoringEventsByIds>>[number]): Interaction {
  let attributes: Record<string, unknown> = {};
  try {
    attributes = JSON.parse(row.attributes) as Record<string, unknown>;
  } catch {}
  return {
    id: row.id,
    source: SCORING_SOURCE,
    kind: row.kind,
    contactId: row.contact_id,
    occurredAt: new Date(Number(row.occurred_at)).toISOString(),
    subjects: {
      model: {
        id: row.model_id,
        name: typeof attributes['modelName'] === 'string' ? attributes['modelName'] : null,
      },
    },
    machine: null,
    attributes,
  };
}

export const scoringInteractions: InteractionSource = {
  name: SCORING_SOURCE,
  kinds: SCORING_KINDS,
  async ofContact(db, contactId, bound, limit) {
    return (await scoringEventsOfContact(db, contactId, bound, limit)).map(toInteraction);
  },
  async byIds(db, ids) {
    return (await scoringEventsByIds(db, ids)).map(toInteraction);
  },
};
