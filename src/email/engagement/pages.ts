// The small HTML pages the email endpoints answer people with: a link that is not valid, the
// unsubscribe confirmation and its result, the honeypot's blank answer, and errors. Every value shown
// is escaped.
import { escapeHtml } from '../../lib/html.ts';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font:inherit;padding:.5rem 1.25rem;cursor:pointer}</style></head><body>${body}</body></html>`;
}

export const invalidLinkPage = () =>
  page(
    'This link is not valid',
    '<h1>This link is not valid</h1><p>The link may have been changed or copied incompletely. Please use the link exactly as it appears in the email.</p>',
  );

/** A click whose stored destination cannot be a redirect (stored before destinations were normalised). */
export const unusableDestinationPage = () =>
  page(
    'This link cannot be opened',
    '<h1>This link cannot be opened</h1><p>The address this link leads to is not valid, so we cannot take you there. Please let the sender know.</p>',
  );

/** GET never unsubscribes (mail scanners fetch links); the button POSTs the one-click body. */
export const confirmUnsubscribePage = () =>
  page(
    'Unsubscribe',
    '<h1>Unsubscribe</h1><p>Do you want to stop receiving the emails of the lists this message was sent to?</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>',
  );

export const unsubscribedPage = () =>
  page(
    'You are unsubscribed',
    '<h1>You are unsubscribed</h1><p>You will no longer receive the emails of the lists this message was sent to.</p>',
  );

export const honeypotPage = () => page('Nothing here', '<p>Nothing here.</p>');

export const errorPage = (title: string, message: string) =>
  page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
