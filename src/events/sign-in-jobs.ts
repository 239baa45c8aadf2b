// Emailing sign-in links on the project's job runner, through the SMTP settings sends use (retried with
// the runner's backoff when the server refuses for now); and deleting links past their time (hourly).
import type { Config } from '../config.ts';
import { acceptedOrRetry, ownMailer } from '../email/sends/own-mail.ts';
import type { JobKind } from '../platform/jobs/runner.ts';
import type { Storage } from '../storage/database.ts';
import { signInMail } from './pages.ts';
import { type LinkSecrets, SIGN_IN_MAIL_JOB, signInLink } from './sign-in.ts';
import { deleteExpiredSignIns, findSignIn, markSignInMailSent } from './store.ts';

export const EXPIRED_SIGN_INS_JOB = 'events.expired-sign-ins';

export function signInMailJobKind(deps: { storage: Storage; config: Config; secrets: LinkSecrets }): JobKind {
  const { storage, config, secrets } = deps;
  const mailer = ownMailer(config.smtp, config.emailFrom);
  return {
    kind: SIGN_IN_MAIL_JOB,
    concurrency: 2,
    async run(job) {
      const { signInId, language } = job.payload as { signInId: string; language?: string };
      const row = await findSignIn(storage.db, signInId);
      const now = Date.now();
      // Used, expired or already sent (a retry after the send was recorded): a late link is no use.
      if (!row || row.mailSentAt !== null || row.usedAt !== null || row.expiresAt <= now) return undefined;
      const link = signInLink(config.publicUrl, secrets, row.id, now);
      const verdict = await mailer.deliver(signInMail({ to: row.email, link, language: language ?? 'en' }));
      if (acceptedOrRetry(verdict, 'The sign-in email'))
        await markSignInMailSent(storage.db, row.id, Date.now());
      return undefined;
    },
    close: () => mailer.close(),
  };
}

export function expiredSignInsJobKind(storage: Storage, everyMs = 3_600_000): JobKind {
  return {
    kind: EXPIRED_SIGN_INS_JOB,
    everyMs,
    retry: { maxAttempts: 1, baseMs: everyMs, maxMs: everyMs },
    async run() {
      await deleteExpiredSignIns(storage.db, Date.now());
      return undefined;
    },
  };
}
