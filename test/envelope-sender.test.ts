// A separate envelope domain (issue 16 part 6): SPOOR_EMAIL_ENVELOPE_FROM is the MAIL FROM of every
// email when there is no bounce domain, and of Spoor's own mail (the transport every sender shares);
// with a bounce domain, campaign mail keeps its VERP return path. Checked at a loopback SMTP sink, which
// sees the envelope as a relay would. One engine: nothing here depends on storage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createMailTransport } from '../src/email/sends/transport.ts';
import { createTestDatabase, type TestDatabase } from './helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { sendToNewList } from './support/factories.ts';

const ENVELOPE_FROM = loadConfig({ SPOOR_EMAIL_ENVELOPE_FROM: 'returns@Mail.Spoor.test' }).smtp.envelopeFrom;

describe('the envelope sender', () => {
  let sink: SmtpSink;
  const running: { spoor: RunningSpoor; database: TestDatabase }[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    for (const { spoor, database } of running) {
      await spoor.close();
      await database.drop();
    }
    await sink.close();
  });

  async function sendWith(addresses: string[], bounceDomain: string | undefined) {
    const database = await createTestDatabase('sqlite');
    const spoor = await startSpoor(
      database,
      {
        publicUrl: 'https://track.spoor.test',
        emailFrom: 'Spoor News <news@spoor.test>',
        sendPollMs: 50,
        smtp: smtpConfigFor(sink, { envelopeFrom: ENVELOPE_FROM }),
        bounces: { ...loadConfig({}).bounces, domain: bounceDomain },
      },
      { workers: true },
    );
    running.push({ spoor, database });
    await sendToNewList(spoor, addresses);
  }

  it('is SPOOR_EMAIL_ENVELOPE_FROM for campaign mail when no bounce domain is set; From stays', async () => {
    expect(ENVELOPE_FROM).toBe('returns@mail.spoor.test');
    await sendWith(['ann@mail.test'], undefined);
    const [message] = sink.receivedBy('ann@mail.test');
    expect(message?.envelope.mailFrom).toBe('returns@mail.spoor.test');
    expect(message?.parsed.from?.value[0]?.address).toBe('news@spoor.test');
  });

  it('gives way to the VERP return path when a bounce domain is set', async () => {
    await sendWith(['bob@mail.test'], 'bounce.spoor.test');
    const [message] = sink.receivedBy('bob@mail.test');
    expect(message?.envelope.mailFrom).toMatch(/^b\+[A-Za-z0-9_.-]+@bounce\.spoor\.test$/);
  });

  it("is the MAIL FROM of Spoor's own mail (invitations, confirmations) through the shared transport", async () => {
    const transport = createMailTransport(smtpConfigFor(sink, { envelopeFrom: ENVELOPE_FROM }));
    try {
      const verdict = await transport.deliver({
        from: 'Spoor <spoor@spoor.test>',
        to: 'cy@mail.test',
        subject: 'You are invited',
        text: 'Hello',
        messageId: '<invite-1@spoor.test>',
      });
      expect(verdict.kind).toBe('accepted');
    } finally {
      await transport.close();
    }
    expect(sink.receivedBy('cy@mail.test')[0]?.envelope.mailFrom).toBe('returns@mail.spoor.test');
  });

  it('without the setting, the From address is the envelope sender, as before', async () => {
    const transport = createMailTransport(smtpConfigFor(sink));
    try {
      await transport.deliver({
        from: 'Spoor <spoor@spoor.test>',
        to: 'dee@mail.test',
        subject: 'Hi',
        text: 'Hello',
        messageId: '<plain-1@spoor.test>',
      });
    } finally {
      await transport.close();
    }
    expect(sink.receivedBy('dee@mail.test')[0]?.envelope.mailFrom).toBe('spoor@spoor.test');
  });
});
