// Double opt-in's start, in the lists domain (forms call it; the subscription center confirms): whether a
// sign-up waits for confirmation, and making it wait — a pending sign-up (no contact yet) and the job that
// emails the person one confirmation link for every list they asked for.
import { enqueueJob } from '../platform/jobs/store.ts';
import type { Db } from '../storage/schema.ts';
import { insertPendingSignup } from './consent-store.ts';

/** The job that emails a pending sign-up its confirmation link (src/email/subscription-center/signup-jobs.ts). */
export const CONFIRMATION_MAIL_JOB = 'subscriptions.confirmation-mail';
/** How long a sign-up waits for its confirmation; then it is deleted (and its link has expired). */
export const SIGNUP_LIFETIME_MS = 30 * 24 * 3_600_000;

/**
 * Whether a form sign-up waits for confirmation: the form asks for it, or any list it joins does. One
 * confirmation covers every list of the sign-up (one email, one button), so a sign-up is either wholly
 * pending or wholly applied.
 */
export function needsConfirmation(
  formRequires: boolean,
  listIds: readonly string[],
  doubleOptIn: ReadonlySet<string>,
): boolean {
  return formRequires || listIds.some((id) => doubleOptIn.has(id));
}

/** What a pending sign-up keeps until it is confirmed: the submission's payload and the lists asked for. */
export interface PendingPayload<Submission = unknown> {
  submission: Submission;
  /** Lists asked for with a ticked box (a rejoin), and lists the form joins without one (newcomers only). */
  asked: string[];
  implied: string[];
  submittedAt: number;
  /** The submission was made without cookies (its browser is never linked). */
  anonymous: boolean;
}

/** Makes a sign-up wait for its confirmation (in the submission's transaction) and queues its email. */
export async function startPendingSignup(
  tx: Db,
  signup: {
    id: string;
    formId: string;
    submissionId: string;
    email: string;
    payload: PendingPayload;
    now: number;
  },
): Promise<void> {
  await insertPendingSignup(tx, {
    id: signup.id,
    formId: signup.formId,
    submissionId: signup.submissionId,
    email: signup.email,
    payload: JSON.stringify(signup.payload),
    createdAt: signup.now,
    expiresAt: signup.now + SIGNUP_LIFETIME_MS,
  });
  await enqueueJob(
    tx,
    { kind: CONFIRMATION_MAIL_JOB, key: signup.id, payload: { signupId: signup.id } },
    signup.now,
  );
}
