import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, rotateSecrets, signatureHeader, signingSecrets } from './signing.ts';

describe('Standard Webhooks signatures', () => {
  it('a new secret is whsec_ and base64 of 32 bytes', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
  });

  it('the reference verifier accepts the signature, with either secret during a rotation', () => {
    const [oldSecret, newSecret] = [newWebhookSecret(), newWebhookSecret()];
    const body = JSON.stringify({ type: 'email.opened', timestamp: '2026-12-06T12:00:00.000Z', data: {} });
    const ts = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(ts),
      'webhook-signature': signatureHeader([newSecret, oldSecret], 'msg_1', ts, body),
    };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(oldSecret).verify(body, headers)).toMatchObject({ type: 'email.opened' });
    expect(new Webhook(newSecret).verify(body, headers)).toMatchObject({ type: 'email.opened' });
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('a rotation keeps the old secret signing for the overlap only', () => {
    const first = [{ secret: 'whsec_a', createdAt: 0, expiresAt: null }];
    const rotated = rotateSecrets(first, 'whsec_b', 1_000, 60_000);
    expect(signingSecrets(rotated, 1_000)).toEqual(['whsec_b', 'whsec_a']);
    expect(signingSecrets(rotated, 61_000)).toEqual(['whsec_b']);
    expect(signingSecrets(rotateSecrets(first, 'whsec_b', 1_000, 0), 1_000)).toEqual(['whsec_b']);
    // A second rotation within the overlap never lengthens the first one's.
    const again = rotateSecrets(rotated, 'whsec_c', 2_000, 3_600_000);
    expect(again.map((s) => [s.secret, s.expiresAt])).toEqual([
      ['whsec_c', null],
      ['whsec_b', 3_602_000],
      ['whsec_a', 61_000],
    ]);
  });
});
