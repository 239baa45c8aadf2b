// The waitlist's links: the place offer (seal purpose 19: the registration and the offer's offered_at, so
// a link works for its own offer only and dies with it) and "leave the waitlist" (purpose 21: the
// registration; it works while the registration waits). Opening a link shows a button: a GET changes nothing.
import type { LinkSecrets } from './sign-in.ts';

export const OFFER_PATH = '/events/waitlist/offer';
export const ACCEPT_PATH = `${OFFER_PATH}/accept`;
export const DECLINE_PATH = `${OFFER_PATH}/decline`;
export const LEAVE_PATH = '/events/waitlist/leave';

export function offerToken(secrets: LinkSecrets, registrationId: string, offeredAt: number): string {
  return secrets.seal.sealText('event waitlist offer', [registrationId, String(offeredAt)]);
}

export function leaveToken(secrets: LinkSecrets, registrationId: string): string {
  return secrets.seal.sealText('event waitlist leave', [registrationId]);
}

export async function openOfferToken(
  secrets: LinkSecrets,
  token: string,
): Promise<{ registrationId: string; offeredAt: number } | null> {
  const opened = await secrets.open('event waitlist offer', token);
  if (!opened.ok) return null;
  const [registrationId, at, ...rest] = opened.value;
  if (!registrationId || !at || rest.length > 0 || !/^\d{1,15}$/.test(at)) return null;
  return { registrationId, offeredAt: Number(at) };
}

export async function openLeaveToken(secrets: LinkSecrets, token: string): Promise<string | null> {
  const opened = await secrets.open('event waitlist leave', token);
  if (!opened.ok) return null;
  const [registrationId, ...rest] = opened.value;
  return registrationId && rest.length === 0 ? registrationId : null;
}

export const offerLink = (
  publicUrl: string,
  secrets: LinkSecrets,
  registrationId: string,
  offeredAt: number,
) => `${publicUrl}${OFFER_PATH}?token=${encodeURIComponent(offerToken(secrets, registrationId, offeredAt))}`;

export const leaveLink = (publicUrl: string, secrets: LinkSecrets, registrationId: string) =>
  `${publicUrl}${LEAVE_PATH}?token=${encodeURIComponent(leaveToken(secrets, registrationId))}`;
