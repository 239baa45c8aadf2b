// The one email that confirms a sign-up: every list asked for, and a link to the page whose button
// confirms (the link itself changes nothing: mail scanners open links). Text and HTML, every value escaped.
import { escapeHtml } from '../../lib/html.ts';

export interface ConfirmationMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export function confirmationMail(input: {
  to: string;
  lists: readonly string[];
  link: string;
}): ConfirmationMail {
  const what = input.lists.length > 0 ? `our emails: ${input.lists.join(', ')}` : 'our emails';
  const lines = [
    `Please confirm that you want to receive ${what}.`,
    'Open this link and press the button to confirm (the link works for 30 days):',
  ];
  const after = 'If you did not sign up, ignore this email: without your confirmation nothing happens.';
  const text = `${lines.join('\n\n')}\n\n${input.link}\n\n${after}\n`;
  const listItems = input.lists.map((name) => `<li>${escapeHtml(name)}</li>`).join('');
  const html =
    '<!doctype html><html><body style="font:16px/1.5 system-ui,sans-serif;color:#1d1d1f">' +
    `<p>Please confirm that you want to receive our emails${listItems ? ':' : '.'}</p>${listItems ? `<ul>${listItems}</ul>` : ''}` +
    `<p><a href="${escapeHtml(input.link)}" style="display:inline-block;padding:10px 20px;background:#1d4ed8;color:#ffffff;border-radius:6px;text-decoration:none">Confirm my subscription</a></p>` +
    `<p>Or open this link: <a href="${escapeHtml(input.link)}">${escapeHtml(input.link)}</a> (it works for 30 days).</p>` +
    `<p>${escapeHtml(after)}</p></body></html>`;
  return { to: input.to, subject: 'Please confirm your subscription', text, html };
}
