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
  /**
   * The recipient's link to an offer ({{ offer "ID" }}), sealed per recipient (src/offers serves it).
   * Absent (a copy for someone who is not the recipient): the offer's untracked public link, which claims
   * for no one (prepareMessage's `offerPage`).
   */
  offer?(offerId: string): string;
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

/** A recipient's offer link (src/offers/public-routes.ts serves it); the untracked one is OFFER_PAGE_PATH. */
export const OFFER_LINK_PATH = '/o/';
/** An offer's public address: where it sends anyone, never claiming (copies rendered without a contact). */
export const OFFER_PAGE_PATH = '/offers/';

/** An offer link token: offer × send × contact, sealed (src/platform/seal.ts, 'offer link'). */
export function offerToken(seal: Seal, offerId: string, sendId: string, contactId: string): string {
  return seal.sealText('offer link', [offerId, sendId, contactId]);
}

/** The offer's untracked public link, for an email rendered without a recipient (a preview, a forwarded copy). */
export function publicOfferUrl(publicUrl: string, offerId: string): string {
  return `${publicUrl}${OFFER_PAGE_PATH}${encodeURIComponent(offerId)}`;
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
    offer: (offerId) =>
      `${publicUrl}${OFFER_LINK_PATH}${offerToken(signer.seal, offerId, sendId, contactId)}`,
    get forward() {
      return forwardUrl(publicUrl, forwardToken(signer.seal, sendId, contactId));
    },
  };
}
