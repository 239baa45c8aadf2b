// The two emails accounts send (an invitation, a password reset), composed as text and HTML, and the
// sender that hands them to the SMTP server Spoor already uses for sends (src/email/sends/own-mail.ts).
import type { SmtpConfig } from '../../config.ts';
import { ownMailer } from '../../email/sends/own-mail.ts';
import { AppError } from '../../lib/errors.ts';
import { escapeHtml } from '../../lib/html.ts';

export interface AccountMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

function mail(to: string, subject: string, lines: string[], link: string, after: string): AccountMail {
  const text = `${lines.join('\n\n')}\n\n${link}\n\n${after}\n`;
  const html = `<!doctype html><html><body style="font:16px/1.5 system-ui,sans-serif">${lines
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join(
      '',
    )}<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p><p>${escapeHtml(after)}</p></body></html>`;
  return { to, subject, text, html };
}

export function invitationMail(input: {
  to: string;
  role: string;
  invitedBy: string;
  link: string;
  host: string;
}): AccountMail {
  return mail(
    input.to,
    `You are invited to Spoor on ${input.host}`,
    [
      `${input.invitedBy} invited you to Spoor on ${input.host} as ${input.role === 'administrator' ? 'an' : 'a'} ${input.role}.`,
      'Open this link to choose your password and sign in (it works once, for 7 days):',
    ],
    input.link,
    'If you did not expect this invitation, you can ignore this email.',
  );
}

export function passwordResetMail(input: { to: string; link: string; host: string }): AccountMail {
  return mail(
    input.to,
    `Reset your Spoor password on ${input.host}`,
    [
      `Someone (you, or an administrator) asked to reset your password for Spoor on ${input.host}.`,
      'Open this link to choose a new one (it works once, for 60 minutes); it signs you out everywhere:',
    ],
    input.link,
    'If you did not ask for this, ignore this email: your password stays as it is.',
  );
}

export type SendAccountMail = (mail: AccountMail) => Promise<void>;

/**
 * A sender over one transport made on first use (most nodes never send an account email) and closed with
 * the app. Throws 503 with the SMTP server's answer when the mail is not accepted.
 */
export function accountMailer(
  smtp: SmtpConfig,
  from: string,
): { send: SendAccountMail; close(): Promise<void> } {
  const mailer = ownMailer(smtp, from);
  return {
    async send(message) {
      const verdict = await mailer.deliver(message);
      if (verdict.kind !== 'accepted')
        throw new AppError(
          'unavailable',
          `The email to ${message.to} could not be sent (the SMTP server answered: ${verdict.response.slice(0, 200)}). Check the SMTP settings (spoor doctor) and try again.`,
        );
    },
    close: () => mailer.close(),
  };
}
