// Contacts sign in to the event website by a link emailed to them (no passwords): a sign-in row per link
// (single use, 30 minutes, its id sealed as 'event sign-in'), and a portal session row per sign-in (its
// id sealed as 'event portal session' in the cookie; sign-out ends the row, so a copied cookie dies too).
import { normalizeEmail } from '../contacts/contact-rules.ts';
import { findContactsByEmail } from '../contacts/store.ts';
import { newId } from '../lib/ids.ts';
import { enqueueJob } from '../platform/jobs/store.ts';
import type { InstallSecrets } from '../secrets/install-secrets.ts';
import type { Db } from '../storage/schema.ts';
import * as store from './store.ts';

export const SIGN_IN_MAIL_JOB = 'events.sign-in-mail';
export const SIGN_IN_MINUTES = 30;
export const PORTAL_SESSION_HOURS = 12;
export const PORTAL_PATH = '/events/portal';
export const SIGN_IN_PATH = `${PORTAL_PATH}/sign-in`;
export const SIGN_IN_LINK_PATH = `${SIGN_IN_PATH}/link`;
export const SIGN_OUT_PATH = `${PORTAL_PATH}/sign-out`;

export type LinkSecrets = Pick<InstallSecrets, 'seal' | 'open'>;
export type LinkProblem = 'invalid' | 'expired' | 'used';

/**
 * Emails a sign-in link when `email` is a contact's (the oldest with that address); nothing otherwise.
 * Answers nothing either way: the page is the same whoever asks.
 */
export async function requestSignIn(
  db: Db,
  email: string,
  language: string,
  now = Date.now(),
): Promise<void> {
  const normalized = normalizeEmail(email);
  if (!normalized) return;
  const [contact] = await findContactsByEmail(db, normalized.match);
  if (!contact?.email) return;
  const id = newId();
  await store.insertSignIn(db, {
    id,
    contactId: contact.id,
    email: contact.email,
    createdAt: now,
    expiresAt: now + SIGN_IN_MINUTES * 60_000,
  });
  await enqueueJob(db, { kind: SIGN_IN_MAIL_JOB, key: id, payload: { signInId: id, language } }, now);
}

export function signInLink(
  publicUrl: string,
  secrets: LinkSecrets,
  signInId: string,
  now = Date.now(),
): string {
  const token = secrets.seal.sealText('event sign-in', [signInId], now);
  return `${publicUrl}${SIGN_IN_LINK_PATH}?token=${encodeURIComponent(token)}`;
}

/** The sign-in row a link names while it can still be used, or why not. */
export async function openSignInLink(
  db: Db,
  secrets: LinkSecrets,
  token: string,
  now = Date.now(),
): Promise<{ signInId: string; contactId: string; email: string } | LinkProblem> {
  const opened = await secrets.open('event sign-in', token, now);
  if (!opened.ok) return opened.error === 'expired' ? 'expired' : 'invalid';
  const [signInId, ...rest] = opened.value;
  if (!signInId || rest.length > 0) return 'invalid';
  const row = await store.findSignIn(db, signInId);
  if (!row) return 'used';
  if (row.usedAt !== null) return 'used';
  if (row.expiresAt <= now) return 'expired';
  return { signInId: row.id, contactId: row.contactId, email: row.email };
}

/** Uses the link up and opens a portal session: the cookie's value, or why not. */
export async function completeSignIn(
  db: Db,
  secrets: LinkSecrets,
  token: string,
  now = Date.now(),
): Promise<{ cookieValue: string } | LinkProblem> {
  const link = await openSignInLink(db, secrets, token, now);
  if (typeof link === 'string') return link;
  if (!(await store.claimSignIn(db, link.signInId, now))) return 'used';
  const id = newId();
  await store.insertPortalSession(db, {
    id,
    contactId: link.contactId,
    createdAt: now,
    expiresAt: now + PORTAL_SESSION_HOURS * 3_600_000,
  });
  return { cookieValue: secrets.seal.sealText('event portal session', [id], now) };
}

/** The signed-in contact a portal cookie names, while its session is open. */
export async function portalSessionOf(
  db: Db,
  secrets: LinkSecrets,
  cookieValue: string | null,
  now = Date.now(),
): Promise<{ sessionId: string; contactId: string } | undefined> {
  if (!cookieValue) return undefined;
  const opened = await secrets.open('event portal session', cookieValue, now);
  if (!opened.ok || opened.value.length !== 1) return undefined;
  const session = await store.findLivePortalSession(db, opened.value[0] as string, now);
  return session && { sessionId: session.id, contactId: session.contactId };
}

export async function signOut(db: Db, sessionId: string, now = Date.now()): Promise<void> {
  await store.endPortalSession(db, sessionId, now);
}
