// Mail that mail administrators respect (issue 16 part 6): a campaign sent through real SMTP carries
// List-Id, Feedback-ID and Precedence; its DKIM signature verifies with an independent verifier
// (dkimpy, Debian's python3-dkim) and over-signs, so an added From or List-Unsubscribe breaks it; its
// text part reads like the message; and SpamAssassin's local rules score it 0 or below.
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createTestDatabase, type TestDatabase } from './helpers/engines.ts';
import { type ReceivedMessage, type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { type RunningSpoor, runnerLetGo, sendFinished, startSpoor } from './helpers/spoor.ts';
import { addToList, createContact, createList, createMessage, createVia } from './support/factories.ts';

const PUBLIC_URL = 'https://track.spoor.test';
const PYTHON = '/usr/bin/python3';
const SPAMASSASSIN = '/usr/bin/spamassassin';
const CI = Boolean(process.env['CI']);

const hasDkimpy =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import dkim'], { stdio: 'ignore' }).status === 0;
const hasSpamAssassin = existsSync(SPAMASSASSIN);
if (CI && !(hasDkimpy && hasSpamAssassin))
  throw new Error('CI must check mail with python3-dkim and spamassassin (.ci/run installs them).');

/** The sample campaign (test/fixtures/sample-campaign.html): a logo, a greeting, three short stories, a footer. */
const CAMPAIGN = {
  subject: 'Spring offers for {{ contact.first_name }}',
  fromEmail: 'news@spoor.test',
  fromName: 'Spoor Shop',
  html: readFileSync(new URL('./fixtures/sample-campaign.html', import.meta.url), 'utf8'),
};

describe('mail that passes inspection', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let spoor: RunningSpoor;
  let received: ReceivedMessage;
  let listId: string;
  let sendId: string;
  let messageId: string;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'der' },
  });

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    sink = await startSmtpSink();
    spoor = await startSpoor(
      database,
      {
        publicUrl: PUBLIC_URL,
        emailFrom: 'Spoor News <news@spoor.test>',
        sendPollMs: 50,
        smtp: smtpConfigFor(sink, {
          dkim: { domainName: 'spoor.test', keySelector: 'mail2026', privateKey },
        }),
        // A bounce domain: VERP, and a mailto beside the one-click URL in the signed List-Unsubscribe.
        bounces: { ...loadConfig({}).bounces, domain: 'bounce.spoor.test' },
      },
      { workers: true },
    );
    listId = await createList(spoor, 'Spring');
    const ann = await createContact(spoor, { email: 'ann@example.com', firstName: 'Ann' });
    await addToList(spoor, listId, [ann]);
    messageId = await createMessage(spoor, CAMPAIGN);
    const send = await createVia<{ id: string }>(spoor, '/api/sends', { messageId, listIds: [listId] }, 202);
    sendId = send.id;
    await sendFinished(spoor, sendId);
    await sink.waitForMessages(1);
    received = sink.receivedBy('ann@example.com')[0]!;
  });
  afterAll(async () => {
    if (spoor && sendId) await runnerLetGo(spoor, sendId);
    await spoor.close();
    await sink.close();
    await database.drop();
  });

  /** A header as it was sent (unfolded), its name lower-cased: header names are case-insensitive. */
  const rawHeader = (key: string) => {
    const line = (received.parsed.headerLines.find((l) => l.key === key)?.line ?? '').replace(
      /\r?\n\s+/g,
      ' ',
    );
    const colon = line.indexOf(':');
    return `${line.slice(0, colon).toLowerCase()}${line.slice(colon)}`;
  };

  it('names its list, its feedback loop and its kind', () => {
    expect(rawHeader('list-id')).toBe(`list-id: <${listId}.track.spoor.test>`);
    expect(rawHeader('feedback-id')).toBe(`feedback-id: ${sendId}:${messageId}:${listId}:spoor.test`);
    expect(rawHeader('precedence')).toBe('precedence: bulk');
    expect(rawHeader('x-auto-response-suppress')).toBe('x-auto-response-suppress: OOF, AutoReply');
  });

  /** dkimpy's verdict on a message, with the test's public key as the only DNS answer. */
  function dkimpyVerifies(message: Buffer): boolean {
    const record = `v=DKIM1; k=rsa; p=${publicKey.toString('base64')}`;
    const script = [
      'import sys, dkim',
      'record = sys.argv[1].encode()',
      'def dns(name, timeout=5):',
      '    return record if name == b"mail2026._domainkey.spoor.test." else None',
      'print("pass" if dkim.verify(sys.stdin.buffer.read(), dnsfunc=dns) else "fail")',
    ].join('\n');
    return execFileSync(PYTHON, ['-c', script, record], { input: message }).toString().trim() === 'pass';
  }

  it.skipIf(!hasDkimpy)(
    'is DKIM-signed as an independent verifier checks it, and an added From or List-Unsubscribe breaks it',
    () => {
      const signature = rawHeader('dkim-signature').replace(/\s+/g, '');
      const signed = /;h=([^;]+)/.exec(signature)?.[1]?.toLowerCase().split(':') ?? [];
      const times = (name: string) => signed.filter((entry) => entry === name).length;
      // Over-signed: one more than the copies present, so no copy can be added.
      for (const name of ['from', 'subject', 'to', 'list-id', 'list-unsubscribe', 'list-unsubscribe-post'])
        expect(times(name), name).toBe(2);
      expect(times('x-spoor-send')).toBe(1);

      expect(rawHeader('list-unsubscribe')).toMatch(
        /^list-unsubscribe: <https:\/\/track\.spoor\.test\/e\/u\/[^>]+>, <mailto:u\+[^>]+@bounce\.spoor\.test\?subject=unsubscribe>$/,
      );
      const message = received.raw;
      expect(dkimpyVerifies(message)).toBe(true);

      const split = message.indexOf('\r\n\r\n');
      const withHeader = (line: string) =>
        Buffer.concat([message.subarray(0, split), Buffer.from(`\r\n${line}`), message.subarray(split)]);
      expect(dkimpyVerifies(withHeader('From: Support <support@attacker.example>'))).toBe(false);
      expect(dkimpyVerifies(withHeader('List-Unsubscribe: <https://attacker.example/u>'))).toBe(false);
      expect(dkimpyVerifies(withHeader('Subject: Your account is locked'))).toBe(false);
      // An unrelated header added on the way (as relays do) leaves it valid.
      expect(dkimpyVerifies(withHeader('X-Relay-Note: seen'))).toBe(true);
      const tampered = Buffer.from(message.toString('latin1').replace('20% off', '90% off'), 'latin1');
      expect(dkimpyVerifies(tampered)).toBe(false);
    },
  );

  it('has a text part that starts with the message, keeps alt text and labels its links', () => {
    const text = received.parsed.text ?? '';
    expect(text.trimStart().startsWith('Spoor Shop')).toBe(true);
    expect(text).toContain('Hello Ann,');
    expect(text).toMatch(/Read how the linen shirts are made \[https:\/\/track\.spoor\.test\/e\/c\/[^\]]+\]/);
    // No bare tracking address without a label, anywhere.
    for (const line of text.split('\n'))
      if (line.includes('/e/c/')) expect(line, line).toMatch(/\S.*\[https:\/\/track\.spoor\.test\/e\/c\//);
  });

  it.skipIf(!hasSpamAssassin)("scores 0 or below on SpamAssassin's local rules", () => {
    // -L: local tests only (no network lookups); -t: report the score even below the threshold.
    const run = spawnSync(SPAMASSASSIN, ['-L', '-t'], { input: received.raw, encoding: 'utf8' });
    const status = /^X-Spam-Status: (\w+), score=(-?[\d.]+)[^\n]*(?:\n\s+[^\n]*)*/m.exec(run.stdout);
    expect(status, run.stderr || run.stdout.slice(0, 500)).not.toBeNull();
    expect(Number(status![2]), status![0]).toBeLessThanOrEqual(0);
  });
});
