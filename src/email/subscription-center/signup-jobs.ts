// Double opt-in's background work on the project's job runner: emailing each pending sign-up its
// confirmation link (through the SMTP settings sends use; retried with the runner's backoff when the
// server refuses), and deleting sign-ups not confirmed within 30 days (hourly).
import type { Config } from '../../config.ts';
import {
  deleteExpiredSignups,
  findPendingSignup,
  listLabels,
  markSignupMailSent,
} from '../../lists/consent-store.ts';
import { CONFIRMATION_MAIL_JOB, type PendingPayload } from '../../lists/pending-signups.ts';
import type { JobKind } from '../../platform/jobs/runner.ts';
import type { Seal } from '../../platform/seal.ts';
import type { Storage } from '../../storage/database.ts';
import { acceptedOrRetry, ownMailer } from '../sends/own-mail.ts';
import { confirmToken, confirmUrl } from './center-links.ts';
import { confirmationMail } from './confirmation-mail.ts';

export const EXPIRED_SIGNUPS_JOB = 'subscriptions.expired-signups';

export function confirmationMailJobKind(deps: { storage: Storage; config: Config; seal: Seal }): JobKind {
  const { storage, config, seal } = deps;
  const mailer = ownMailer(config.smtp, config.emailFrom);
  return {
    kind: CONFIRMATION_MAIL_JOB,
    concurrency: 2,
    async run(job) {
      const { signupId } = job.payload as { signupId: string };
      const row = await findPendingSignup(storage.db, signupId);
      // Confirmed or expired meanwhile, or already sent (a retry after the send was recorded).
      if (!row || row.mail_sent_at !== null) return undefined;
      const payload = JSON.parse(row.payload) as PendingPayload;
      const lists = await listLabels(storage.db, [...payload.asked, ...payload.implied]);
      const link = confirmUrl(config.publicUrl, confirmToken(seal, row.id));
      const verdict = await mailer.deliver(confirmationMail({ to: row.email, lists, link }));
      if (acceptedOrRetry(verdict, 'The confirmation email'))
        await markSignupMailSent(storage.db, row.id, Date.now());
      return undefined;
    },
    close: () => mailer.close(),
  };
}

export function expiredSignupsJobKind(storage: Storage, everyMs = 3_600_000): JobKind {
  return {
    kind: EXPIRED_SIGNUPS_JOB,
    everyMs,
    retry: { maxAttempts: 1, baseMs: everyMs, maxMs: everyMs },
    async run() {
      await deleteExpiredSignups(storage.db, Date.now());
      return undefined;
    },
  };
}
