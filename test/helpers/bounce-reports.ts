// Reports to Spoor's bounce receiver in tests: its settings, the receiver on loopback (as the server starts
// it), a fixture report (test/fixtures/bounces) filled in with what the SMTP sink received for an address,
// and handing a report to the receiver over SMTP.
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { BounceConfig } from '../../src/config.ts';
import { type BounceReceiver, startBounceReceiver } from '../../src/email/bounces/receiver.ts';
import { loadInstallSecrets } from '../../src/secrets/install-secrets.ts';
import type { Storage } from '../../src/storage/database.ts';
import type { SmtpSink } from './smtp-sink.ts';

export const BOUNCE_DOMAIN = 'bounce.spoor.test';
const FIXTURES = new URL('../fixtures/bounces/', import.meta.url);
const silentLog = { info() {}, error() {}, warn() {}, debug() {} } as never;

export function bounceSettings(overrides: Partial<BounceConfig> = {}): BounceConfig {
  return {
    domain: BOUNCE_DOMAIN,
    smtpPort: 0,
    smtpHost: '127.0.0.1',
    maxBytes: 20_000,
    softLimit: 3,
    softWindow: 5,
    sendgridWebhookKey: undefined,
    ...overrides,
  };
}

/** The bounce receiver on a free loopback port, reading and writing through `storage`. */
export async function startTestBounceReceiver(
  storage: Storage,
  bounces: BounceConfig,
): Promise<BounceReceiver> {
  const secrets = await loadInstallSecrets(storage.db, undefined);
  return (await startBounceReceiver({
    storage,
    secrets,
    bounces,
    engagement: { maxBatch: 64, trackingDefault: true },
    log: silentLog,
  })) as BounceReceiver;
}

/** A fixture report about the email the sink received for `email`, its placeholders filled in. */
export function bounceFixture(
  sink: SmtpSink,
  name: string,
  email: string,
  overrides: Partial<Record<string, string>> = {},
): string {
  const [message] = sink.receivedBy(email);
  if (!message) throw new Error(`nothing sent to ${email}`);
  const values: Partial<Record<string, string>> = {
    RETURN_PATH: message.envelope.mailFrom,
    TO: email,
    SEND_HEADER: String(message.parsed.headers.get('x-spoor-send')),
    MESSAGE_ID: `<${String(message.parsed.messageId).replace(/^<|>$/g, '')}>`,
    ...overrides,
  };
  return readFileSync(new URL(name, FIXTURES), 'utf8').replace(
    /\{\{(\w+)\}\}/g,
    (_, key: string) => values[key] ?? '',
  );
}

/** Hands a raw report to the receiver as a mail server would; throws when it is refused. */
export async function deliverReport(port: number, raw: string, to: string, from = ''): Promise<string> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    return (await transport.sendMail({ envelope: { from, to }, raw })).response;
  } finally {
    transport.close();
  }
}
