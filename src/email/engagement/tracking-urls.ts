// The URLs an email carries back to Spoor: open pixel, click redirect per link position, one-click
// unsubscribe, the subscription center. Each carries a signed token; engagement/routes.ts serves them.
import type { TokenSigner } from '../../lib/tokens.ts';
import type { Seal } from '../../platform/seal.ts';

export interface RecipientTrackingUrls {
  pixel: string;
  click(position: number): string;
  unsubscribe: string;
  /** The recipient's subscription center ({{ subscription_center_url }}); sealed only when a message uses it. */
  readonly subscriptionCenter: string;
}

export const PIXEL_PATH = '/e/o/';
export const CLICK_PATH = '/e/c/';
export const UNSUBSCRIBE_PATH = '/e/u/';
/** The subscription center (src/email/subscription-center serves it and opens its token). */
export const CENTER_PATH = '/subscriptions';

/** A subscription center token: the send and the contact, sealed (90 days, src/platform/seal.ts). */
export function centerToken(seal: Seal, sendId: string, contactId: string, now = Date.now()): string {
  return seal.sealText('subscription center', [sendId, contactId], now);
}

export function centerUrl(publicUrl: string, token: string): string {
  return `${publicUrl}${CENTER_PATH}?token=${encodeURIComponent(token)}`;
}

export function trackingUrlsFor(
  publicUrl: string,
  signer: TokenSigner,
  sendId: string,
  contactId: string,
): RecipientTrackingUrls {
  const token = (kind: 'open' | 'click' | 'unsubscribe', position = 0) =>
    signer.sign({ kind, sendId, contactId, position });
  return {
    pixel: `${publicUrl}${PIXEL_PATH}${token('open')}.gif`,
    click: (position) => `${publicUrl}${CLICK_PATH}${token('click', position)}`,
    unsubscribe: `${publicUrl}${UNSUBSCRIBE_PATH}${token('unsubscribe')}`,
    get subscriptionCenter() {
      return centerUrl(publicUrl, centerToken(signer.seal, sendId, contactId));
    },
  };
}
