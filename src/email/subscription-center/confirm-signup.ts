// Confirming a sign-up that waited (double opt-in): what the confirmation page shows, and the confirmation
// itself — in one transaction the pending sign-up is taken (so it counts once), the submission is applied
// as it would have been at once (the contact matched or created, the lists joined), and every list joined
// records a consent event carrying the evidence: the form, the submission and its time, when the email
// went and when the person confirmed.
import { applyConfirmedSignup } from '../../forms/submit-form.ts';
import { findPendingSignup, listLabels, takePendingSignup } from '../../lists/consent-store.ts';
import type { PendingPayload } from '../../lists/pending-signups.ts';
import type { Storage } from '../../storage/database.ts';
import type { Db } from '../../storage/schema.ts';
import { CONFIRMATION_WORDING_VERSION } from './pages.ts';

export type SignupProblem = 'used' | 'signup_expired';

const payloadOf = (json: string) => JSON.parse(json) as PendingPayload;

/** What the confirmation page shows: the address and the lists asked for. */
export async function readSignup(
  db: Db,
  signupId: string,
  now: number,
): Promise<{ email: string; lists: string[] } | SignupProblem> {
  const row = await findPendingSignup(db, signupId);
  if (!row) return 'used';
  if (Number(row.expires_at) < now) return 'signup_expired';
  const payload = payloadOf(row.payload);
  return { email: row.email, lists: await listLabels(db, [...payload.asked, ...payload.implied]) };
}

export async function confirmSignup(
  storage: Storage,
  signupId: string,
  now: number,
): Promise<{ contactId: string; lists: string[] } | SignupProblem> {
  return storage.db.transaction().execute(async (tx) => {
    const row = await findPendingSignup(tx, signupId);
    if (!row) return 'used';
    if (Number(row.expires_at) < now) return 'signup_expired';
    // Two clicks at once: only the one that takes the row confirms.
    if (!(await takePendingSignup(tx, signupId))) return 'used';
    const payload = payloadOf(row.payload);
    const evidence = {
      formId: row.form_id,
      submissionId: row.submission_id,
      submittedAt: new Date(payload.submittedAt).toISOString(),
      confirmationSentAt: row.mail_sent_at === null ? null : new Date(Number(row.mail_sent_at)).toISOString(),
      confirmedAt: new Date(now).toISOString(),
    };
    const contactId = await applyConfirmedSignup(tx, storage.engine, {
      formId: row.form_id,
      submissionId: row.submission_id,
      payload,
      now,
      consent: { source: 'double_opt_in', wordingVersion: CONFIRMATION_WORDING_VERSION, evidence },
    });
    return { contactId, lists: await listLabels(tx, [...payload.asked, ...payload.implied]) };
  });
}
