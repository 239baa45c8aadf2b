// The waitlist's jobs on the project's runner: the emails (joined the waitlist; a place is held for you,
// with the offer's accept/decline link), sent through the SMTP settings sends use like the sign-in email,
// and each offer's expiry, due at the instant it runs out: the held place goes to the next in the queue.
import type { Config } from '../config.ts';
import { findContact } from '../contacts/store.ts';
import { acceptedOrRetry, ownMailer } from '../email/sends/own-mail.ts';
import type { JobKind } from '../platform/jobs/runner.ts';
import type { Storage } from '../storage/database.ts';
import { languageFor } from './calendar/invitation.ts';
import { findInvitationRow } from './calendar/store.ts';
import { textIn } from './event.ts';
import type { LinkSecrets } from './sign-in.ts';
import { findEvent, findRegistration } from './store.ts';
import { endRegistration, WAITLIST_EXPIRY_JOB, WAITLIST_MAIL_JOB } from './waitlist.ts';
import { leaveLink, offerLink } from './waitlist-links.ts';
import { waitlistMail } from './waitlist-pages.ts';
import { formatWhen } from './zoned-time.ts';

interface MailPayload {
  registrationId: string;
  /** The offer this mail is about; absent for the "you are on the waitlist" mail. */
  offeredAt?: number;
}

export function waitlistMailJobKind(deps: {
  storage: Storage;
  config: Config;
  secrets: LinkSecrets;
}): JobKind {
  const { storage, config, secrets } = deps;
  const mailer = ownMailer(config.smtp, config.emailFrom);
  return {
    kind: WAITLIST_MAIL_JOB,
    concurrency: 2,
    async run(job) {
      const { registrationId, offeredAt } = job.payload as MailPayload;
      const row = await findRegistration(storage.db, registrationId);
      const now = Date.now();
      // Only while it still says something true: waiting, or this very offer still held.
      if (row?.status !== 'waitlisted') return undefined;
      if (offeredAt !== undefined && (row.offeredAt !== offeredAt || (row.offerExpiresAt ?? 0) <= now))
        return undefined;
      const event = await findEvent(storage.db, row.eventId);
      const contact = await findContact(storage.db, row.contactId);
      if (!event || !contact?.email) return undefined;
      // The language the person registered in (the page's), else the event's first.
      const language = languageFor(event, (await findInvitationRow(storage.db, row.id))?.language);
      const mail = waitlistMail({
        to: contact.email,
        language,
        eventName: textIn(event.texts, language, language).name,
        offer:
          offeredAt === undefined
            ? null
            : {
                link: offerLink(config.publicUrl, secrets, row.id, offeredAt),
                until: formatWhen(row.offerExpiresAt ?? now, event.timeZone, language),
              },
        leaveLink: leaveLink(config.publicUrl, secrets, row.id),
      });
      acceptedOrRetry(await mailer.deliver(mail), 'The waitlist email');
      return undefined;
    },
    close: () => mailer.close(),
  };
}

export function waitlistExpiryJobKind(deps: { storage: Storage; config: Config }): JobKind {
  const offerMs = deps.config.eventWaitlistOfferHours * 3_600_000;
  return {
    kind: WAITLIST_EXPIRY_JOB,
    async run(job) {
      const { registrationId, offeredAt } = job.payload as { registrationId: string; offeredAt: number };
      const row = await findRegistration(deps.storage.db, registrationId);
      // Taken up early (a clock ahead on the node that enqueued): come back when it is due.
      if (row?.offeredAt === offeredAt && row.offerExpiresAt !== null && row.offerExpiresAt > Date.now())
        return { runAt: row.offerExpiresAt };
      await endRegistration(deps.storage.db, registrationId, 'expire', { offerMs, offeredAt });
      return undefined;
    },
  };
}
