// The hosted pages of the subscription center and of a sign-up's confirmation: server-rendered HTML that
// works without JavaScript (no script at all), every value escaped. A GET only renders them; their buttons
// POST the sealed token in the form (the page has no session, so the token is what a forged post lacks).
import { escapeHtml } from '../../lib/html.ts';
import { CENTER_PATH, CONFIRM_PATH } from './center-links.ts';

/**
 * The wording the center shows, named in every consent event it records: change it when the page's
 * words change, so a consent event says what the person read.
 */
export const CENTER_WORDING_VERSION = 'center-1';
/** The wording of the confirmation email and page, named in the consent events of a confirmed sign-up. */
export const CONFIRMATION_WORDING_VERSION = 'confirmation-1';

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1d1d1f;background:#fff}' +
  'h1{font-size:1.6rem;line-height:1.25;margin:0 0 .5rem}p{margin:.5rem 0 1rem}' +
  'fieldset{border:0;margin:1.5rem 0;padding:0}legend{font-weight:600;font-size:1.1rem;margin-bottom:.5rem;padding:0}' +
  '.list{display:flex;gap:.75rem;align-items:flex-start;padding:.85rem 0;border-top:1px solid #ddd}' +
  '.list:last-child{border-bottom:1px solid #ddd}.list input{width:1.25rem;height:1.25rem;margin:.15rem 0 0;flex:none}' +
  '.list label{font-weight:600;cursor:pointer}.list .about{display:block;font-weight:400;color:#555;font-size:.95rem}' +
  '.state{display:block;font-weight:400;font-size:.85rem;color:#555}' +
  'button{font:inherit;padding:.6rem 1.4rem;cursor:pointer;border-radius:6px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff}' +
  'button.quiet{background:#fff;color:#a01010;border-color:#a01010}' +
  '.all{margin-top:2.5rem;padding-top:1rem;border-top:2px solid #eee}.all h2{font-size:1.1rem;margin:0}' +
  '.status{padding:.75rem 1rem;border-radius:6px;background:#e8f5e9;color:#1b5e20;font-weight:600}' +
  '.for{color:#555}ul{padding-left:1.25rem}form{margin:1rem 0 1.5rem}' +
  '@media (prefers-color-scheme:dark){body{color:#eee;background:#161618}.list{border-color:#444}.list:last-child{border-color:#444}' +
  '.list .about,.state,.for{color:#bbb}button.quiet{background:#161618;color:#ff8a80;border-color:#ff8a80}' +
  '.status{background:#1b3a1f;color:#b9f6ca}.all{border-color:#333}}';

/** A hosted page for people (also the forward form's, src/email/forwards/pages.ts): no script, one inline style. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><meta name="color-scheme" content="light dark"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export interface CenterList {
  id: string;
  /** The public name (the list's name when it has none). */
  name: string;
  description: string | null;
  status: 'subscribed' | 'unsubscribed' | 'none';
}

const stateText: Record<CenterList['status'], string> = {
  subscribed: 'You are subscribed.',
  unsubscribed: 'You unsubscribed.',
  none: 'You are not subscribed.',
};

export function centerPage(input: {
  token: string;
  email: string | null;
  lists: readonly CenterList[];
  /** What the last post did (shown once, announced to screen readers). */
  notice?: string;
  subscribedAnywhere: boolean;
}): string {
  const token = `<input type="hidden" name="token" value="${escapeHtml(input.token)}">`;
  const notice = input.notice ? `<p class="status" role="status">${escapeHtml(input.notice)}</p>` : '';
  const who = input.email ? `<p class="for">For <strong>${escapeHtml(input.email)}</strong></p>` : '';
  const lists = input.lists
    .map((list, i) => {
      const id = `list-${i}`;
      const about = list.description ? `<span class="about">${escapeHtml(list.description)}</span>` : '';
      return (
        `<div class="list"><input type="hidden" name="shown" value="${escapeHtml(list.id)}">` +
        `<input type="checkbox" id="${id}" name="list" value="${escapeHtml(list.id)}"${list.status === 'subscribed' ? ' checked' : ''} aria-describedby="${id}-state">` +
        `<label for="${id}">${escapeHtml(list.name)}${about}<span class="state" id="${id}-state">${stateText[list.status]}</span></label></div>`
      );
    })
    .join('');
  const choose =
    input.lists.length > 0
      ? `<form method="post" action="${CENTER_PATH}">${token}<input type="hidden" name="action" value="save"><fieldset><legend>Choose the emails you want</legend>${lists}</fieldset><button type="submit">Save my choices</button></form>`
      : '<p>There are no lists to choose from here.</p>';
  const all = input.subscribedAnywhere
    ? `<section class="all" aria-labelledby="all-title"><h2 id="all-title">Unsubscribe from everything</h2><p>Stop every email of every list you are on, including lists not shown above.</p><form method="post" action="${CENTER_PATH}">${token}<input type="hidden" name="action" value="unsubscribe_all"><button type="submit" class="quiet">Unsubscribe from all</button></form></section>`
    : '<section class="all"><p>You are not subscribed to any list.</p></section>';
  return page('Your subscriptions', `<h1>Your subscriptions</h1>${who}${notice}${choose}${all}`);
}

export function confirmPage(input: { token: string; email: string; lists: readonly string[] }): string {
  const lists = input.lists.length
    ? `<ul>${input.lists.map((name) => `<li>${escapeHtml(name)}</li>`).join('')}</ul>`
    : '';
  return page(
    'Confirm your subscription',
    `<h1>Confirm your subscription</h1><p>Please confirm that <strong>${escapeHtml(input.email)}</strong> wants to receive our emails${lists ? ':' : '.'}</p>${lists}` +
      `<form method="post" action="${CONFIRM_PATH}"><input type="hidden" name="token" value="${escapeHtml(input.token)}"><button type="submit">Confirm my subscription</button></form>` +
      '<p class="for">If you did not sign up, ignore this page: nothing happens unless you confirm.</p>',
  );
}

export function confirmedPage(lists: readonly string[]): string {
  const named = lists.length
    ? `<ul>${lists.map((name) => `<li>${escapeHtml(name)}</li>`).join('')}</ul>`
    : '';
  return page(
    'Your subscription is confirmed',
    `<h1>Your subscription is confirmed</h1><p class="status" role="status">Thank you: you will receive our emails${named ? ':' : '.'}</p>${named}`,
  );
}

export type ProblemPage = 'invalid' | 'expired' | 'gone' | 'used' | 'signup_expired';

const PROBLEMS: Record<ProblemPage, [string, string]> = {
  invalid: [
    'This link is not valid',
    'The link may have been changed or copied incompletely. Please use the link exactly as it appears in the email.',
  ],
  expired: [
    'This link has expired',
    'Links to this page last a limited time. Please use the link in a more recent email from us.',
  ],
  gone: ['We have nothing for this link', 'The address this link was made for is no longer in our records.'],
  signup_expired: [
    'This confirmation link has expired',
    'A sign-up waits 30 days for its confirmation. If you still want our emails, please sign up again.',
  ],
  used: [
    'This confirmation link cannot be used',
    'It was already used, or the sign-up waited longer than 30 days and was deleted. If you still want our emails, please sign up again.',
  ],
};

export function problemPage(problem: ProblemPage): string {
  const [title, text] = PROBLEMS[problem];
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}
