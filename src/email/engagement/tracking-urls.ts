// The URLs an email carries back to Spoor: open pixel, click redirect per link position, one-click
// unsubscribe, the subscription center, the forward form. Each carries a signed token;
// engagement/routes.ts serves them (the center and the forward form: their own domains).
import type { TokenSigner } from '../../lib/tokens.ts';
import type { Seal } from '../../platform/seal.ts';

/** What any tracked copy of an email carries: its open pixel and its click redirects. */
export interface CopyTrackingUrls {
  pixel: string;
  click(position: number): string;
}

/** A recipient's own email: tracking plus the links that act for that recipient. */
export interface RecipientTrackingUrls extends CopyTrackingUrls {
  unsubscribe: string;
  /** The recipient's subscription center ({{ subscription_center_url }}); sealed only when a message uses it. */
  readonly subscriptionCenter: string;
  /** The recipient's forward-to-a-friend form ({{ forward_url }}); sealed only when a message uses it. */
  readonly forward: string;
}

export const PIXEL_PATH = '/e/o/';
export const CLICK_PATH = '/e/c/';
export const UNSUBSCRIBE_PATH = '/e/u/';
/** The subscription center (src/email/subscription-center serves it and opens its token). */
export const CENTER_PATH = '/subscriptions';

/** The forward-to-a-friend form (src/email/forwards serves it and opens its token). */
export const FORWARD_PATH = '/forward';

/** A forward form token: the send and the forwarder, sealed (90 days, src/platform/seal.ts). */
export function forwardToken(seal: Seal, sendId: string, contactId: string, now = Date.now()): string {
  return seal.sealText('forward form', [sendId, contactId], now);
}

export function forwardUrl(publicUrl: string, token: string): string {
  return `${publicUrl}${FORWARD_PATH}?token=${encodeURIComponent(token)}`;
}

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
    get forward() {
      return forwardUrl(publicUrl, forwardToken(signer.seal, sendId, contactId));
    },
  };
}
