// A real SMTP server on loopback (smtp-server) that keeps what it receives, parsed with mailparser:
// tests send through nodemailer to it and assert on what arrived. Chosen recipients can be refused
// with a 5xx or a 4xx (optionally only the first few times), DATA can be answered slowly, and
// STARTTLS (smtp-server's built-in self-signed certificate) and a login can be required.
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { SmtpConfig } from '../../src/config.ts';
import { waitFor } from '../support/wait-for.ts';

export interface ReceivedMessage {
  envelope: { mailFrom: string; rcptTo: string[] };
  /** The message as it arrived (headers and body, DKIM signature included). */
  raw: Buffer;
  parsed: ParsedMail;
  receivedAt: number;
}

export interface Refusal {
  /** SMTP reply code, e.g. 550 (hard) or 450 (temporary). */
  code: number;
  message?: string;
  /** Refuse only this many times, then accept; unlimited when absent. */
  times?: number;
}

export interface SmtpSinkOptions {
  /** Refusals at RCPT TO by recipient address (case-insensitive). */
  refuse?: Record<string, Refusal>;
  /** Wait this long before answering the end of DATA (a slow server). */
  dataDelayMs?: number;
  /** Offer STARTTLS with smtp-server's self-signed certificate. */
  tls?: boolean;
  /** Require this login (only over TLS, as smtp-server allows). */
  auth?: { user: string; pass: string };
  port?: number;
}

export interface SmtpSink {
  host: string;
  port: number;
  messages: ReceivedMessage[];
  /** Messages whose envelope names this recipient. */
  receivedBy(address: string): ReceivedMessage[];
  /** RCPT TO attempts per recipient (accepted or not). */
  attempts(address: string): number;
  /** When each RCPT TO for this recipient arrived (epoch ms). */
  attemptTimes(address: string): number[];
  /** Changes the DATA delay while running. */
  setDataDelay(ms: number): void;
  /** Adds or replaces a refusal while running. */
  refuse(address: string, refusal: Refusal): void;
  /** Resolves once `count` messages have arrived (rejects after `timeoutMs`). */
  waitForMessages(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMessage[] = [];
  const refusals = new Map(
    Object.entries(options.refuse ?? {}).map(([address, refusal]) => [address.toLowerCase(), { ...refusal }]),
  );
  const rcptAttempts = new Map<string, number[]>();
  let dataDelayMs = options.dataDelayMs ?? 0;

  const serverOptions: SMTPServerOptions = {
    logger: false,
    // Replies carry exactly the refusal's text, as a real server words it ("554 5.7.1 Relay access
    // denied"); smtp-server would otherwise put its own enhanced code (550 → 5.1.1) before it.
    hideENHANCEDSTATUSCODES: true,
    disabledCommands: [...(options.tls ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])],
    authOptional: !options.auth,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass)
        return callback(null, { user: auth.username });
      const error = Object.assign(new Error('Invalid login'), { responseCode: 535 });
      return callback(error);
    },
    onRcptTo(address, _session, callback) {
      const key = address.address.toLowerCase();
      rcptAttempts.set(key, [...(rcptAttempts.get(key) ?? []), Date.now()]);
      const refusal = refusals.get(key);
      if (refusal && (refusal.times === undefined || refusal.times > 0)) {
        if (refusal.times !== undefined) refusal.times -= 1;
        const error = Object.assign(new Error(refusal.message ?? `Refused ${key}`), {
          responseCode: refusal.code,
        });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const finish = async () => {
          // Kept before the (possibly slow) 250 goes out: a message the client saw accepted is always
          // here, and one whose answer never arrived may be here too, as with a real server.
          messages.push({
            envelope: {
              mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            },
            raw,
            parsed: await simpleParser(raw),
            receivedAt: Date.now(),
          });
          if (dataDelayMs > 0) await new Promise((r) => setTimeout(r, dataDelayMs));
        };
        finish().then(
          () => callback(null, 'OK: queued'),
          (error: Error) => callback(error),
        );
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => {});
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    host: '127.0.0.1',
    port,
    messages,
    receivedBy: (recipient) =>
      messages.filter((message) =>
        message.envelope.rcptTo.some((to) => to.toLowerCase() === recipient.toLowerCase()),
      ),
    attempts: (recipient) => rcptAttempts.get(recipient.toLowerCase())?.length ?? 0,
    attemptTimes: (recipient) => rcptAttempts.get(recipient.toLowerCase()) ?? [],
    setDataDelay: (ms) => {
      dataDelayMs = ms;
    },
    refuse: (recipient, refusal) => refusals.set(recipient.toLowerCase(), { ...refusal }),
    async waitForMessages(count, timeoutMs = 20_000) {
      await waitFor(
        `${count} messages (${messages.length} arrived so far)`,
        () => messages.length >= count,
        timeoutMs,
      );
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Spoor's SMTP settings for sending to a sink (or any loopback port), plain SMTP unless overridden. */
export function smtpConfigFor(sink: { port: number }, overrides: Partial<SmtpConfig> = {}): SmtpConfig {
  return {
    host: '127.0.0.1',
    port: sink.port,
    secure: false,
    requireTls: false,
    rejectUnauthorized: false,
    user: undefined,
    password: undefined,
    pool: 3,
    rate: 0,
    dkim: undefined,
    ...overrides,
  };
}
