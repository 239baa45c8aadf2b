// The SMTP side of sending: one pooled nodemailer transport per node built from the SMTP settings
// (connections, rate, TLS, login, DKIM, envelope sender), and deliver(), which turns nodemailer's answer into a verdict.
// Connections end with QUIT: a relay logs a session dropped without it as a lost connection.
import type { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { SmtpConfig } from '../../config.ts';
import { dkimSigned, dkimSigningStream } from './dkim.ts';
import { mimeOf } from './mime-sync.ts';
import { classifySmtpError, type SmtpError, type SmtpVerdict } from './smtp-outcome.ts';

export interface MailTransport {
  /** Sends one email; never throws for an SMTP outcome, only reports it. */
  deliver(mail: SendMailOptions & { messageId: string }): Promise<SmtpVerdict>;
  /** Ends the connections not carrying a message with QUIT and waits for the server's reply. */
  quitIdle(): Promise<void>;
  /** quitIdle(), then closes the pool for good. */
  close(): Promise<void>;
}

/** What this module needs of nodemailer's pool resources (not part of its typed API). */
interface PoolResource extends EventEmitter {
  available: boolean;
  _closed: boolean;
  connection?: { quit(): void };
}

/** How long to wait for the reply to QUIT before the socket is simply closed. */
const QUIT_REPLY_MS = 2_000;

/** Where and how to reach the SMTP server, for the send pool and for `spoor doctor`'s check alike. */
export function smtpConnectionOptions(smtp: SmtpConfig) {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTls,
    tls: { rejectUnauthorized: smtp.rejectUnauthorized },
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
  };
}

export function createMailTransport(smtp: SmtpConfig): MailTransport {
  const transporter: Transporter = nodemailer.createTransport({
    pool: true,
    ...smtpConnectionOptions(smtp),
    maxConnections: smtp.pool,
    // The pool would resend a message whose connection dropped, maybe after the server took it; the
    // worker decides about retries itself, knowing whether the message was handed over.
    maxRequeues: 0,
    ...(smtp.rate > 0 ? { rateLimit: smtp.rate, rateDelta: 1000 } : {}),
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });

  // Whether each message's final stream (after DKIM signing) was read to its end by the connection:
  // until then the server cannot have accepted it, so a failure is safe to retry.
  const handedOver = new Map<string, boolean>();
  const dkim = smtp.dkim;
  transporter.use('stream', (mail, done) => {
    const message = mail.message;
    // Signed here, over-signing what readers act on (dkim.ts); nodemailer's own signer cannot.
    if (dkim) message.processFunc((input: Readable) => dkimSigningStream(input, dkim));
    const messageId = mail.data.messageId;
    const create = message.createReadStream.bind(message);
    message.createReadStream = (options) => {
      // Written in one pass when the email is all strings (mime-sync.ts), else by nodemailer's streams.
      const built = mimeOf(message);
      const stream = built ? Readable.from([dkim ? dkimSigned(built, dkim) : built]) : create(options);
      if (messageId && handedOver.has(messageId)) stream.once('end', () => handedOver.set(messageId, true));
      return stream;
    };
    done();
  });

  return {
    async deliver(input) {
      // SPOOR_EMAIL_ENVELOPE_FROM for mail without a VERP return path of its own (nodemailer would
      // otherwise take the From address); an envelope's recipients are the message's.
      const mail =
        smtp.envelopeFrom && !input.envelope
          ? { ...input, envelope: { from: smtp.envelopeFrom, to: input.to ?? [] } }
          : input;
      handedOver.set(mail.messageId, false);
      try {
        const info = await transporter.sendMail(mail);
        return { kind: 'accepted', response: String(info.response ?? '250').slice(0, 500) };
      } catch (error) {
        return classifySmtpError(error as SmtpError, handedOver.get(mail.messageId) === true);
      } finally {
        handedOver.delete(mail.messageId);
      }
    },
    quitIdle: () => quitIdle(transporter),
    async close() {
      await quitIdle(transporter);
      transporter.close();
    },
  };
}

/**
 * nodemailer's pool closes a connection by closing its socket, without QUIT (only its idle timer
 * says QUIT); so every open connection is ended here, each waited for until it is gone. One that has
 * just delivered becomes free a moment after its answer (nodemailer releases it on the next tick):
 * it is waited for too, and left alone if the pool hands it another message first.
 */
async function quitIdle(transporter: Transporter): Promise<void> {
  const pool = transporter.transporter as unknown as { _connections?: PoolResource[] };
  const open = (pool._connections ?? []).filter((resource) => resource.connection && !resource._closed);
  await Promise.all(
    open.map(
      (resource) =>
        new Promise<void>((resolve) => {
          const quit = () => {
            if (!resource.available) return;
            // Not handed another message while it says goodbye.
            resource.available = false;
            resource.connection?.quit();
          };
          const timer = setTimeout(() => {
            resource.off('available', quit);
            resolve();
          }, QUIT_REPLY_MS);
          resource.once('close', () => {
            clearTimeout(timer);
            resource.off('available', quit);
            resolve();
          });
          if (resource.available) quit();
          else resource.once('available', quit);
        }),
    ),
  );
}
