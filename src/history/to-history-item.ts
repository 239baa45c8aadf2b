// Turns the interaction feed's items into history's item shapes (history-item.ts), which the history
// API has always answered with; a visit's page views are filled in for the visits that made the page.
import type { EmailAttributes } from '../email/engagement/email-interactions.ts';
import type { DeliveryAttributes } from '../email/sends/send-interactions.ts';
import type { SubmissionAttributes } from '../forms/submission-interactions.ts';
import type { Interaction } from '../platform/interactions/interaction.ts';
import type { Db } from '../storage/schema.ts';
import { pageviewsOfVisits } from '../tracking/store.ts';
import type { VisitAttributes } from '../tracking/visit-interactions.ts';
import type {
  EmailItem,
  EmailSentItem,
  FormSubmissionItem,
  HistoryItem,
  HistoryPageview,
  VisitItem,
} from './history-item.ts';

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

export function toHistoryItem(item: Interaction): HistoryItem {
  const base = { at: item.occurredAt, id: item.id };
  switch (item.source) {
    case 'visit': {
      const a = item.attributes as unknown as VisitAttributes;
      const website = item.subjects['website'];
      return {
        type: 'visit',
        ...base,
        website: { id: website?.id ?? '', name: website?.name ?? null },
        startedAt: a.startedAt,
        lastSeenAt: a.lastSeenAt,
        entryPath: a.entryPath,
        referrer: a.referrer,
        utm: a.utm,
        pageviewCount: a.pageviewCount,
        engagedMs: a.engagedMs,
        bot: item.machine,
        pageviews: [],
      } satisfies VisitItem;
    }
    case 'form_submission': {
      const a = item.attributes as unknown as SubmissionAttributes;
      const form = item.subjects['form'];
      return {
        type: 'form_submission',
        ...base,
        form: { id: form?.id ?? '', name: form?.name ?? null },
        status: a.status,
        outcome: a.outcome,
        anonymous: a.anonymous,
        consents: a.consents,
        values: a.values,
      } satisfies FormSubmissionItem;
    }
    case 'email': {
      const a = item.attributes as EmailAttributes;
      const { send, message, link } = item.subjects;
      return {
        type: 'email',
        ...base,
        event: item.kind.slice('email_'.length) as EmailItem['event'],
        send: { id: send?.id ?? '', subject: send?.name ?? null },
        message: { id: message?.id ?? null, name: message?.name ?? null },
        link: link ? { position: Number(link.id), url: link.name, honeypot: a.honeypot === true } : null,
        machine: item.machine,
      } satisfies EmailItem;
    }
    case 'email_delivery': {
      const a = item.attributes as unknown as DeliveryAttributes;
      const { send, message } = item.subjects;
      return {
        type: 'email_sent',
        ...base,
        send: { id: send?.id ?? '', subject: send?.name ?? null },
        message: { id: message?.id ?? null, name: message?.name ?? null },
        status: a.status,
        response: a.response,
      } satisfies EmailSentItem;
    }
    default:
      return {
        type: item.source,
        ...base,
        kind: item.kind,
        subjects: item.subjects,
        machine: item.machine,
        attributes: item.attributes,
      };
  }
}

/** Fills in, in place, the page views of the page's visits (oldest first within each visit). */
export async function addPageviews(db: Db, items: readonly HistoryItem[]): Promise<void> {
  const visits = items.filter((item): item is VisitItem => item.type === 'visit' && 'pageviews' in item);
  const byVisit = new Map<string, HistoryPageview[]>(visits.map((v) => [v.id, v.pageviews]));
  for (const row of await pageviewsOfVisits(db, [...byVisit.keys()])) {
    byVisit.get(row.visit_id ?? '')?.push({
      url: row.url,
      path: row.path,
      title: row.title,
      at: iso(row.occurred_at),
      engagedMs: Number(row.engaged_ms),
    });
  }
}
