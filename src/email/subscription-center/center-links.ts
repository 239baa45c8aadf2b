// The links of the subscription center and of a sign-up's confirmation, sealed by the project's one seal
// (src/platform/seal.ts): a center link names a send and a contact (the email that led there); a
// confirmation link names a pending sign-up. Both expire (the expiry is under the seal).
import type { Seal, SealError } from '../../platform/seal.ts';
import { CENTER_PATH } from '../engagement/tracking-urls.ts';

// The center's link is made where every other link of a sent email is (engagement/tracking-urls.ts).
export { CENTER_PATH, centerToken, centerUrl } from '../engagement/tracking-urls.ts';
export const CONFIRM_PATH = `${CENTER_PATH}/confirm`;

export type LinkProblem = 'invalid' | 'expired';

/** Why a value does not open, as a person is told it: changed or garbled, or too old. */
const problemOf = (error: SealError): LinkProblem => (error === 'expired' ? 'expired' : 'invalid');

export function openCenterToken(
  seal: Seal,
  token: string,
  now = Date.now(),
): { sendId: string; contactId: string } | LinkProblem {
  const opened = seal.openText('subscription center', token, now);
  if (!opened.ok) return problemOf(opened.error);
  const [sendId, contactId, ...rest] = opened.value;
  if (!sendId || !contactId || rest.length > 0) return 'invalid';
  return { sendId, contactId };
}

export function confirmToken(seal: Seal, signupId: string, now = Date.now()): string {
  return seal.sealText('sign-up confirmation', [signupId], now);
}

export function confirmUrl(publicUrl: string, token: string): string {
  return `${publicUrl}${CONFIRM_PATH}?token=${encodeURIComponent(token)}`;
}

export function openConfirmToken(
  seal: Seal,
  token: string,
  now = Date.now(),
): { signupId: string } | LinkProblem {
  const opened = seal.openText('sign-up confirmation', token, now);
  if (!opened.ok) return problemOf(opened.error);
  const [signupId, ...rest] = opened.value;
  if (!signupId || rest.length > 0) return 'invalid';
  return { signupId };
}
