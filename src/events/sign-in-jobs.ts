// Emailing sign-in links on the project's job runner, through the SMTP settings sends use (retried with
// the runner's backoff when the server refuses for now); and deleting links past their time (hourly).
import type { Config } from '../config.ts';
import { createMailTransport, type MailTransport } from '../email/sends/transport.ts';
import { newId } from '../lib/ids.ts';
import type { JobKind } from '../platform/jobs/runner.ts';
import type { Storage } from '../storage/database.ts';
import { signInMail } from './pages.ts';
import { type LinkSecrets, SIGN_IN_MAIL_JOB, signInLink } from './sign-in.ts';
import { deleteExpiredSignIns, findSignIn, markSignInMailSent } from './store.ts';

export const EXPIRED_SIGN_INS_JOB = 'events.expired-sign-ins';

export function signInMailJobKind(deps: { storage: Storage; config: Config; secrets: LinkSecrets }): JobKind {
  const { storage, config, secrets } = deps;
  // Made on first use: most nodes never send a sign-in link.
  let transport: MailTransport | undefined;
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
      transport ??= createMailTransport(config.smtp);
      const domain = config.emailFrom.match(/@([^>\s]+)/)?.[1] ?? 'spoor.invalid';
      const verdict = await transport.deliver({
        ...signInMail({ to: row.email, link, language: language ?? 'en' }),
        from: config.emailFrom,
        messageId: `<${newId()}@${domain}>`,
      });
      if (verdict.kind === 'refused_permanently') return undefined;
      if (verdict.kind !== 'accepted')
        throw new Error(`The sign-in email was not accepted: ${verdict.response.slice(0, 200)}`);
      await markSignInMailSent(storage.db, row.id, Date.now());
      return undefined;
    },
    async close() {
      await transport?.close();
    },
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
