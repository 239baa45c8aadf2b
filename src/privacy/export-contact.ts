// Exporting a contact (right of access / portability): everything Spoor holds about them as one JSON
// document. Prefill tokens appear as a count only: their hashes are credentials, not data about anyone.
import { toContact } from '../contacts/store.ts';
import { requireContact } from '../history/require-contact.ts';
import type { Storage } from '../storage/database.ts';
import {
  aliasesOf,
  countPrefillTokens,
  emailEventsOf,
  emailMatchOf,
  linkedVisitors,
  listMembershipsOf,
  mergesWonBy,
  pageviewsOfVisits,
  sendRecipientsOf,
  submissionsOfContact,
  suppressionsOf,
  visitsOfContact,
} from './store.ts';

/** Raised whenever the document's shape changes incompatibly. */
export const EXPORT_SCHEMA_VERSION = 1;

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A stored contact row (a merge snapshot) with its custom fields opened up. */
function snapshot(text: string): unknown {
  const row = parseJson(text);
  if (row && typeof row === 'object' && 'custom' in row && typeof row.custom === 'string') {
    return { ...row, custom: parseJson(row.custom) };
  }
  return row;
}

export async function exportContact(storage: Storage, contactId: string, now = Date.now()) {
  // One snapshot, so the parts agree with each other (a SQLite transaction is one already).
  let transaction = storage.db.transaction();
  if (storage.engine === 'postgres') transaction = transaction.setIsolationLevel('repeatable read');
  return transaction.execute(async (tx) => {
    const contact = toContact(await requireContact(tx, contactId));
    const visitors = await linkedVisitors(tx, contactId);
    const aliases = await aliasesOf(
      tx,
      visitors.map((v) => v.id),
    );
    const visits = await visitsOfContact(tx, contactId);
    const pageviews = await pageviewsOfVisits(
      tx,
      visits.map((v) => v.id),
    );
    const pageviewsByVisit = new Map<string, typeof pageviews>();
    for (const p of pageviews) {
      const list = pageviewsByVisit.get(p.visit_id ?? '') ?? [];
      list.push(p);
      pageviewsByVisit.set(p.visit_id ?? '', list);
    }
    const submissions = await submissionsOfContact(tx, contactId);
    const merges = await mergesWonBy(tx, contactId);
    const memberships = await listMembershipsOf(tx, contactId);
    const emails = await sendRecipientsOf(tx, contactId);
    const emailEvents = await emailEventsOf(tx, contactId);
    const suppressions = await suppressionsOf(tx, await emailMatchOf(tx, contactId));

    return {
      schemaVersion: EXPORT_SCHEMA_VERSION,
      generatedAt: iso(now),
      contactId,
      contact,
      visitors: visitors.map((v) => ({
        id: v.id,
        firstSeenAt: iso(v.created_at),
        lastSeenAt: iso(v.last_seen_at),
        /** Other ids the same browser is known by (a first-party cookie that disagreed). */
        aliases: aliases.filter((a) => a.visitor_id === v.id).map((a) => a.alias_id),
      })),
      visits: visits.map((v) => ({
        id: v.id,
        website: { id: v.website_id, name: v.website_name },
        visitorId: v.visitor_id,
        startedAt: iso(v.started_at),
        lastSeenAt: iso(v.last_seen_at),
        entryPath: v.entry_path,
        referrer: v.referrer,
        referrerHost: v.referrer_host,
        utm: {
          source: v.utm_source,
          medium: v.utm_medium,
          campaign: v.utm_campaign,
          term: v.utm_term,
          content: v.utm_content,
        },
        pageviewCount: v.pageviews,
        engagedMs: Number(v.engaged_ms),
        bot: v.bot_reason,
        identified: v.identified === 1,
        pageviews: (pageviewsByVisit.get(v.id) ?? []).map((p) => ({
          eventId: p.event_id,
          at: iso(p.occurred_at),
          url: p.url,
          path: p.path,
          title: p.title,
          referrer: p.referrer,
          engagedMs: Number(p.engaged_ms),
        })),
      })),
      formSubmissions: submissions.map((s) => ({
        id: s.id,
        form: { id: s.form_id, name: s.form_name },
        receivedAt: iso(s.received_at),
        status: s.status,
        outcome: s.outcome,
        anonymous: s.anonymous === 1,
        visitorId: s.visitor_id,
        payload: parseJson(s.payload),
        error: s.error,
      })),
      merges: merges.map((m) => ({
        id: m.id,
        mergedContactId: m.loser_id,
        mergedAt: iso(m.merged_at),
        reason: m.reason,
        mergedContactSnapshot: snapshot(m.loser_snapshot),
      })),
      prefillTokens: { count: await countPrefillTokens(tx, contactId) },
      listMemberships: memberships.map((m) => ({
        list: { id: m.list_id, name: m.list_name },
        status: m.status,
        source: m.source,
        addedAt: iso(m.added_at),
        unsubscribedAt: m.unsubscribed_at === null ? null : iso(m.unsubscribed_at),
        unsubscribedBySendId: m.unsubscribed_send_id,
      })),
      emailsSent: emails.map((e) => ({
        sendId: e.send_id,
        messageId: e.message_id,
        subject: e.subject,
        email: e.email,
        status: e.status,
        blockReason: e.block_reason,
        attempts: Number(e.attempts),
        sentAt: e.sent_at === null ? null : iso(e.sent_at),
        lastResponse: e.last_response,
      })),
      /** Opens, clicks and unsubscribes made with tracking consent (without it they name no one). */
      emailEvents: emailEvents.map((e) => ({
        id: e.id,
        sendId: e.send_id,
        kind: e.kind,
        at: iso(e.occurred_at),
        link:
          e.link_position === null
            ? null
            : {
                position: Number(e.link_position),
                url: Number(e.honeypot) === 1 ? null : e.url,
                honeypot: Number(e.honeypot) === 1,
              },
        machine: Number(e.machine) === 1 ? e.machine_reason : null,
        implied: Number(e.implied) === 1,
        userAgent: e.user_agent,
      })),
      /** The contact's address on the suppression list (never attempted again after a hard bounce). */
      suppressions: suppressions.map((s) => ({
        email: s.email_match,
        reason: s.reason,
        sendId: s.send_id,
        detail: s.detail,
        at: iso(s.created_at),
      })),
    };
  });
}

export type ContactExport = Awaited<ReturnType<typeof exportContact>>;
