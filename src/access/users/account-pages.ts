// The account pages people reach from an email or the first-start link: accept an invitation, reset a
// forgotten password, ask for a reset. Server-rendered HTML forms that work without JavaScript (like the
// hosted form pages); every value shown is escaped.
import { escapeHtml } from '../../lib/html.ts';
import { MIN_PASSWORD_LENGTH } from './passwords.ts';

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1d1d1f;background:#fff}' +
  '@media (prefers-color-scheme:dark){body{color:#eee;background:#161618}input{background:#222;color:#eee;border-color:#555}a{color:#8ab4ff}}' +
  'label{display:block;margin:1rem 0 .25rem;font-weight:600}input{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #888;border-radius:4px}' +
  'button{font:inherit;margin-top:1.25rem;padding:.6rem 1.4rem;cursor:pointer}.error{color:#b00020;font-weight:600}' +
  '@media (prefers-color-scheme:dark){.error{color:#ff8a80}}.hint{font-size:.9rem;margin:.25rem 0 0}';

export function accountPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)} · Spoor</title><style>${STYLE}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function errorLine(error: string | undefined): string {
  return error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
}

function passwordFields(): string {
  return (
    `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD_LENGTH}" maxlength="256" aria-describedby="password-hint">` +
    `<p class="hint" id="password-hint">At least ${MIN_PASSWORD_LENGTH} characters; a few words make a good one.</p>` +
    '<label for="confirm">Password again</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required maxlength="256">'
  );
}

export function acceptPage(input: {
  token: string;
  email: string;
  role: string;
  name: string;
  error?: string | undefined;
}): string {
  const emailField = input.email
    ? `<p>You are invited as <strong>${escapeHtml(input.role)}</strong> with the email <strong>${escapeHtml(input.email)}</strong>.</p>`
    : `<p>Create the first administrator of this Spoor.</p><label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required maxlength="320">`;
  return accountPage(
    input.email ? 'Join Spoor' : 'Create the first administrator',
    `${errorLine(input.error)}<form method="post" action="/account/accept"><input type="hidden" name="token" value="${escapeHtml(input.token)}">${emailField}` +
      `<label for="name">Your name</label><input id="name" name="name" autocomplete="name" maxlength="200" value="${escapeHtml(input.name)}">` +
      `${passwordFields()}<button type="submit">Create my account</button></form>`,
  );
}

export function resetPage(input: { token: string; email: string; error?: string | undefined }): string {
  return accountPage(
    'Choose a new password',
    `${errorLine(input.error)}<p>For <strong>${escapeHtml(input.email)}</strong>. Saving it signs you out everywhere.</p><form method="post" action="/account/reset"><input type="hidden" name="token" value="${escapeHtml(input.token)}">${passwordFields()}<button type="submit">Save the new password</button></form>`,
  );
}

export function forgotPage(error?: string): string {
  return accountPage(
    'Forgot your password?',
    `${errorLine(error)}<p>Give the email you sign in with; if it has an account, a link to choose a new password is on its way.</p><form method="post" action="/account/forgot"><label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required maxlength="320"><button type="submit">Send me a link</button></form>`,
  );
}

export function messagePage(title: string, message: string, link?: { href: string; text: string }): string {
  return accountPage(
    title,
    `<p>${escapeHtml(message)}</p>${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : ''}`,
  );
}
