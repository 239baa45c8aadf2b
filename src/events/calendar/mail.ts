// Confirmation emails with calendar invitations, on the project's job runner through the SMTP settings
// sends use. A registration's job is enqueued in the transaction that makes it registered (or cancels
// it); an event change that matters raises the event's SEQUENCE and enqueues one job for the event,
// which enqueues one per registration. Each job reads what is stored when it runs and sends the
// invitation due then (dueInvitation), so a late or repeated job never sends a stale or second one.
// The message is iMIP (RFC 6047) as Google Calendar sends it: multipart/alternative of text, HTML and
// `text/calendar; method=…`, plus the same calendar as an `invite.ics` attachment (decision 034).
import type { Config } from '../../config.ts';
import { findContact } from '../../contacts/store.ts';
import { acceptedOrRetry, ownMailer } from '../../email/sends/own-mail.ts';
import type { JobKind } from '../../platform/jobs/runner.ts';
import { enqueueJob } from '../../platform/jobs/store.ts';
import type { Storage } from '../../storage/database.ts';
import type { Db } from '../../storage/schema.ts';
import type { EventFields } from '../event-rules.ts';
import { findEvent, listPasses, listSessions } from '../store.ts';
import {
  dueInvitation,
  type InvitationMethod,
  invitationMail,
  languageFor,
  organizerOf,
  registrationUid,
} from './invitation.ts';
import {
  eventSequence,
  findInvitationRow,
  markInvitationSent,
  raiseEventSequence,
  registrationsToTell,
  setRegistrationLanguage,
} from './store.ts';

export const REGISTRATION_MAIL_JOB = 'events.registration-mail';
export const EVENT_CALENDAR_JOB = 'events.calendar-update';

/**
 * Sends the registration its confirmation and invitation ('request') or the withdrawal ('cancel'):
 * call it in the transaction that changes the registration. `language` (a page's) is kept for this and
 * later emails.
 */
export async function enqueueRegistrationMail(
  trx: Db,
  registrationId: string,
  kind: InvitationMethod,
  options: { language?: string | null } = {},
  now = Date.now(),
): Promise<void> {
  if (options.language) await setRegistrationLanguage(trx, registrationId, options.language);
  // One row per registration: a newer ask replaces a pending one (the job sends what is due then).
  await enqueueJob(
    trx,
    { kind: REGISTRATION_MAIL_JOB, key: registrationId, payload: { registrationId, method: kind } },
    now,
  );
}

/** Whether a change needs new invitations: the times, their zone or the place. */
export function changeMatters(before: EventFields, after: EventFields): boolean {
  return (
    before.startsAt !== after.startsAt ||
    before.endsAt !== after.endsAt ||
    before.timeZone !== after.timeZone ||
    (before.venue ?? null) !== (after.venue ?? null) ||
    (before.onlineUrl ?? null) !== (after.onlineUrl ?? null)
  );
}

/** After an event's change or cancellation: a raised SEQUENCE and new invitations when it matters. */
export async function noteEventChange(
  db: Db,
  eventId: string,
  change: { before: EventFields; after: EventFields } | 'cancelled',
  now = Date.now(),
): Promise<void> {
  if (change !== 'cancelled' && !changeMatters(change.before, change.after)) return;
  await raiseEventSequence(db, eventId);
  await enqueueJob(db, { kind: EVENT_CALENDAR_JOB, key: eventId, payload: { eventId } }, now);
}

/** Tells each registration of a changed event, one job each (a page of ids at a time). */
export function eventCalendarJobKind(storage: Storage): JobKind {
  return {
    kind: EVENT_CALENDAR_JOB,
    async run(job) {
      const { eventId } = job.payload as { eventId: string };
      const event = await findEvent(storage.db, eventId);
      if (!event) return undefined;
      const method = event.status === 'cancelled' ? 'cancel' : 'request';
      let after = '';
      for (;;) {
        const ids = await registrationsToTell(storage.db, eventId, after, 500);
        if (ids.length === 0) break;
        await storage.db.transaction().execute(async (tx) => {
          for (const id of ids) await enqueueRegistrationMail(tx, id, method);
        });
        after = ids.at(-1) as string;
      }
      return undefined;
    },
  };
}

export function registrationMailJobKind(deps: { storage: Storage; config: Config }): JobKind {
  const { storage, config } = deps;
  const db = storage.db;
  const host = new URL(config.publicUrl).hostname;
  const mailer = ownMailer(config.smtp, config.emailFrom);
  return {
    kind: REGISTRATION_MAIL_JOB,
    concurrency: 2,
    async run(job) {
      const { registrationId } = job.payload as { registrationId: string };
      const row = await findInvitationRow(db, registrationId);
      const event = row && (await findEvent(db, row.eventId));
      const contact = row && (await findContact(db, row.contactId));
      if (!row || !event || !contact?.email) return undefined;
      const due = dueInvitation({
        registrationStatus: row.status,
        eventStatus: event.status,
        eventSequence: await eventSequence(db, event.id),
        lastMethod: row.lastMethod,
        lastSequence: row.lastSequence,
      });
      if (!due) return undefined;
      const occasion =
        due.method === 'cancel'
          ? event.status === 'cancelled'
            ? 'cancelled'
            : 'registration-cancelled'
          : row.lastMethod === 'request'
            ? 'changed'
            : 'registered';
      const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
      const now = Date.now();
      const mail = invitationMail({
        event,
        pass: (await listPasses(db, event.id)).find((p) => p.id === row.passId) ?? null,
        sessions: (await listSessions(db, event.id)).filter((s) => row.sessionIds.includes(s.id)),
        language: languageFor(event, row.language),
        publicUrl: config.publicUrl,
        organizer: organizerOf(config.emailFrom),
        now,
        occasion,
        uid: registrationUid(row.id, host),
        sequence: due.sequence,
        attendee: {
          email: contact.email,
          name,
          partstat: due.method === 'cancel' ? 'DECLINED' : 'ACCEPTED',
        },
      });
      const verdict = await mailer.deliver({
        to: contact.email,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // The text/calendar alternative with its method, and the same as invite.ics (nodemailer).
        icalEvent: { method: mail.method, filename: 'invite.ics', content: mail.ics },
      });
      if (acceptedOrRetry(verdict, 'The invitation email'))
        await markInvitationSent(db, row.id, due.method, due.sequence);
      return undefined;
    },
    close: () => mailer.close(),
  };
}
