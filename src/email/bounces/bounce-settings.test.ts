import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';

describe('bounce settings', () => {
  it('defaults: no return-path domain, 3 of 5 soft bounces, no SendGrid webhook', () => {
    expect(loadConfig({}).bounces).toEqual({
      domain: undefined,
      smtpPort: 2525,
      smtpHost: '0.0.0.0',
      maxBytes: 2_097_152,
      softLimit: 3,
      softWindow: 5,
      sendgridWebhookKey: undefined,
    });
  });

  it('takes a domain (lower-cased), a port and a rule', () => {
    const config = loadConfig({
      SPOOR_BOUNCE_DOMAIN: 'Bounce.Example.COM',
      SPOOR_BOUNCE_SMTP_PORT: '25',
      SPOOR_SOFT_BOUNCE_LIMIT: '2',
      SPOOR_SOFT_BOUNCE_WINDOW: '2',
    });
    expect(config.bounces).toMatchObject({
      domain: 'bounce.example.com',
      smtpPort: 25,
      softLimit: 2,
      softWindow: 2,
    });
  });

  it.each([
    [{ SPOOR_BOUNCE_DOMAIN: 'not a domain' }, /SPOOR_BOUNCE_DOMAIN must be a domain name/],
    [{ SPOOR_BOUNCE_DOMAIN: 'b+x@example.com' }, /SPOOR_BOUNCE_DOMAIN/],
    [{ SPOOR_SOFT_BOUNCE_LIMIT: '6' }, /cannot be more than SPOOR_SOFT_BOUNCE_WINDOW \(5\)/],
    [{ SPOOR_BOUNCE_MAX_BYTES: '10' }, /SPOOR_BOUNCE_MAX_BYTES must be a whole number/],
    [
      { SPOOR_SENDGRID_WEBHOOK_KEY: 'bm90IGEga2V5' },
      /SPOOR_SENDGRID_WEBHOOK_KEY must be the verification key/,
    ],
  ])('%o is refused with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('takes a certificate and key for STARTTLS; an unreadable or mismatched file stops the start with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spoor-bounce-tls-'));
    try {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      writeFileSync(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
      writeFileSync(join(dir, 'not-a-cert.pem'), 'hello');
      const pems = await generate([{ name: 'commonName', value: 'bounce.example.com' }], { keyType: 'ec' });
      writeFileSync(join(dir, 'cert.pem'), pems.cert);
      writeFileSync(join(dir, 'cert-key.pem'), pems.private);
      const env = {
        SPOOR_BOUNCE_TLS_CERT: join(dir, 'cert.pem'),
        SPOOR_BOUNCE_TLS_KEY: join(dir, 'cert-key.pem'),
      };
      expect(loadConfig(env).bounces.tls).toEqual({ cert: pems.cert, key: pems.private });
      // Another key than the certificate's.
      expect(() => loadConfig({ ...env, SPOOR_BOUNCE_TLS_KEY: join(dir, 'key.pem') })).toThrow(
        /must be a PEM private key and its certificate: .*key values mismatch/,
      );
      expect(() => loadConfig({ SPOOR_BOUNCE_TLS_CERT: join(dir, 'cert.pem') })).toThrow(
        'Set both SPOOR_BOUNCE_TLS_KEY and SPOOR_BOUNCE_TLS_CERT, or neither.',
      );
      expect(() =>
        loadConfig({
          SPOOR_BOUNCE_TLS_CERT: join(dir, 'missing.pem'),
          SPOOR_BOUNCE_TLS_KEY: join(dir, 'key.pem'),
        }),
      ).toThrow(
        `Cannot read SPOOR_BOUNCE_TLS_CERT (${join(dir, 'missing.pem')}) for the bounce receiver's STARTTLS: ENOENT.`,
      );
      expect(() =>
        loadConfig({
          SPOOR_BOUNCE_TLS_CERT: join(dir, 'not-a-cert.pem'),
          SPOOR_BOUNCE_TLS_KEY: join(dir, 'key.pem'),
        }),
      ).toThrow(
        /SPOOR_BOUNCE_TLS_KEY and SPOOR_BOUNCE_TLS_CERT must be a PEM private key and its certificate/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes an envelope sender as a bare address (lower-casing its domain); anything else is refused', () => {
    expect(loadConfig({}).smtp.envelopeFrom).toBeUndefined();
    expect(loadConfig({ SPOOR_EMAIL_ENVELOPE_FROM: 'Bounces@Mail.Example.com' }).smtp.envelopeFrom).toBe(
      'Bounces@mail.example.com',
    );
    for (const bad of ['Acme <bounces@example.com>', 'bounces', 'a@b@example.com', 'x@not_a_domain'])
      expect(() => loadConfig({ SPOOR_EMAIL_ENVELOPE_FROM: bad })).toThrow(
        /SPOOR_EMAIL_ENVELOPE_FROM must be a bare address such as bounces@mail\.example\.com/,
      );
  });

  it("takes SendGrid's verification key as SendGrid shows it, with or without PEM framing", () => {
    const der = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      format: 'der',
      type: 'spki',
    });
    const base64 = der.toString('base64');
    expect(loadConfig({ SPOOR_SENDGRID_WEBHOOK_KEY: base64 }).bounces.sendgridWebhookKey).toBe(base64);
    const pem = `-----BEGIN PUBLIC KEY-----\n${base64}\n-----END PUBLIC KEY-----\n`;
    expect(loadConfig({ SPOOR_SENDGRID_WEBHOOK_KEY: pem }).bounces.sendgridWebhookKey).toBe(base64);
  });
});
