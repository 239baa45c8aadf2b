// Spoor's own one-off emails (sign-up confirmations, account invitations and resets, event sign-in links,
// waitlist news), as against sends: one at a time from the configured sender, over one transport made on
// first use (most nodes never send one) and closed with its owner.
import type { SendMailOptions } from 'nodemailer';
import type { SmtpConfig } from '../../config.ts';
import { newId } from '../../lib/ids.ts';
import type { SmtpVerdict } from './smtp-outcome.ts';
import { createMailTransport, type MailTransport } from './transport.ts';

export interface OwnMailer {
  /** Sends one email from `from` with a new Message-ID on its domain; reports the server's answer. */
  deliver(mail: Omit<SendMailOptions, 'from' | 'messageId'>): Promise<SmtpVerdict>;
  close(): Promise<void>;
}

export function ownMailer(smtp: SmtpConfig, from: string): OwnMailer {
  const domain = from.match(/@([^>\s]+)/)?.[1] ?? 'spoor.invalid';
  let transport: MailTransport | undefined;
  return {
    async deliver(mail) {
      transport ??= createMailTransport(smtp);
      return transport.deliver({ ...mail, from, messageId: `<${newId()}@${domain}>` });
    },
    async close() {
      await transport?.close();
    },
  };
}

/**
 * A job's reading of the answer: true when accepted, false for an address that does not work (no second
 * try); anything else throws, so the job runner tries again with its backoff.
 */
export function acceptedOrRetry(verdict: SmtpVerdict, what: string): boolean {
  if (verdict.kind === 'accepted') return true;
  if (verdict.kind === 'refused_permanently') return false;
  throw new Error(`${what} was not accepted: ${verdict.response.slice(0, 200)}`);
}
