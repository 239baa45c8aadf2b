// The forward form's hosted pages: server-rendered, no script (the subscription center's page shell), every
// value escaped. A GET only renders the form; its button POSTs the sealed token with up to five addresses.
// The hidden field is a honeypot: people never see or fill it.
import { escapeHtml } from '../../lib/html.ts';
import { page } from '../subscription-center/pages.ts';
import { FORWARD_PATH } from './forward-links.ts';

/** The honeypot field's name: plausible to a bot, hidden from people and screen readers. */
export const HONEYPOT_FIELD = 'website';

const FORM_STYLE =
  '<style>.field{margin:0 0 .9rem}.field label{display:block;font-weight:600;margin-bottom:.25rem}' +
  '.field input{font:inherit;width:100%;box-sizing:border-box;padding:.55rem .7rem;border:1px solid #767676;border-radius:6px;background:#fff;color:#1d1d1f}' +
  '.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}' +
  '.problem{padding:.75rem 1rem;border-radius:6px;background:#fdecea;color:#8a1c1c;font-weight:600}' +
  '@media (prefers-color-scheme:dark){.field input{background:#222;color:#eee;border-color:#999}.problem{background:#3b1616;color:#ffb4ab}}</style>';

export function forwardFormPage(input: {
  token: string;
  subject: string;
  slots: number;
  /** What to correct after a refused post (announced to screen readers). */
  problem?: string;
  /** The addresses posted, shown again after a refused post. */
  values?: readonly string[];
}): string {
  const problem = input.problem
    ? `<p class="problem" role="alert" id="problem">${escapeHtml(input.problem)}</p>`
    : '';
  const fields = Array.from({ length: input.slots }, (_, i) => {
    const value = input.values?.[i] ?? '';
    return (
      `<div class="field"><label for="friend-${i}">Friend’s email address${input.slots > 1 ? ` ${i + 1}` : ''}</label>` +
      `<input type="email" id="friend-${i}" name="email" autocomplete="off" maxlength="320" value="${escapeHtml(value)}"${i === 0 ? ' required' : ''}${input.problem ? ' aria-describedby="problem"' : ''}></div>`
    );
  }).join('');
  return page(
    'Forward this email to a friend',
    `${FORM_STYLE}<h1>Forward this email to a friend</h1>` +
      `<p class="for">“${escapeHtml(input.subject)}”</p>${problem}` +
      `<p>Enter up to ${input.slots} email ${input.slots === 1 ? 'address' : 'addresses'}. Each friend gets one copy of this email, without any of your personal links; we do not add them to our lists.</p>` +
      `<form method="post" action="${FORWARD_PATH}"><input type="hidden" name="token" value="${escapeHtml(input.token)}">` +
      `<div class="hp" aria-hidden="true"><label for="hp-field">Leave this empty</label><input type="text" id="hp-field" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>` +
      `<fieldset><legend>Who should get it?</legend>${fields}</fieldset><button type="submit">Forward</button></form>`,
  );
}

/** The one answer to every accepted post, whatever became of each copy (it discloses nothing about a friend). */
export function forwardedPage(): string {
  return page(
    'Thank you for forwarding',
    '<h1>Thank you for forwarding</h1><p class="status" role="status">We will send the email to the addresses you entered.</p>' +
      '<p class="for">Each gets one copy, unless its owner has asked us not to email them. We do not add anyone to our lists.</p>',
  );
}
