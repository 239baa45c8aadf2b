// The URLs an email carries back to Spoor: open pixel, click redirect per link position, one-click
// unsubscribe. Each carries a signed token; engagement/routes.ts serves them.
import type { TokenSigner } from '../../lib/tokens.ts';

export interface RecipientTrackingUrls {
  pixel: string;
  click(position: number): string;
  unsubscribe: string;
}

export const PIXEL_PATH = '/e/o/';
export const CLICK_PATH = '/e/c/';
export const UNSUBSCRIBE_PATH = '/e/u/';

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
  };
}
