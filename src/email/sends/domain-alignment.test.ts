import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import {
  alignedRelaxed,
  domainOfAddress,
  envelopeAlignmentWarnings,
  organisationalDomain,
} from './domain-alignment.ts';

describe('organisational domain (the simple rule)', () => {
  it.each([
    ['example.com', 'example.com'],
    ['bounce.example.com', 'example.com'],
    ['a.b.mail.example.org', 'example.org'],
    ['Example.COM.', 'example.com'],
    ['shop.example.co.uk', 'example.co.uk'],
    ['example.co.uk', 'example.co.uk'],
    ['news.example.com.au', 'example.com.au'],
    ['mail.example.ne.jp', 'example.ne.jp'],
    // A country code whose second level is a name, not a registry's category.
    ['mail.example.de', 'example.de'],
    ['bounce.shop.de', 'shop.de'],
    ['localhost', 'localhost'],
  ])('%s → %s', (domain, organisational) => {
    expect(organisationalDomain(domain)).toBe(organisational);
  });

  it.each([
    ['bounce.example.com', 'example.com', true],
    ['bounce.example.com', 'news.example.com', true],
    ['bounce.example.net', 'example.com', false],
    ['example.co.uk', 'other.co.uk', false],
    ['b.example.co.uk', 'example.co.uk', true],
  ])('%s and %s aligned: %s', (a, b, aligned) => {
    expect(alignedRelaxed(a, b)).toBe(aligned);
  });

  it.each([
    ['Acme <news@Acme.Example>', 'acme.example'],
    ['news@acme.example', 'acme.example'],
    ['no address', null],
  ])('the domain of %s is %s', (address, domain) => {
    expect(domainOfAddress(address)).toBe(domain);
  });
});

describe('envelope alignment warnings', () => {
  const base = { SPOOR_EMAIL_FROM: 'Acme <news@acme.example>' };

  it('none when the envelope is the From address, or a subdomain of its organisational domain', () => {
    expect(envelopeAlignmentWarnings(loadConfig(base))).toEqual([]);
    expect(
      envelopeAlignmentWarnings(
        loadConfig({
          ...base,
          SPOOR_BOUNCE_DOMAIN: 'bounce.acme.example',
          SPOOR_EMAIL_ENVELOPE_FROM: 'bounces@mail.acme.example',
        }),
      ),
    ).toEqual([]);
  });

  it('one per envelope domain outside it, saying what DMARC then rests on', () => {
    const warnings = envelopeAlignmentWarnings(
      loadConfig({
        ...base,
        SPOOR_BOUNCE_DOMAIN: 'bounces.esp.example',
        SPOOR_EMAIL_ENVELOPE_FROM: 'returns@mail.acme.example',
      }),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /bounces\.esp\.example \(SPOOR_BOUNCE_DOMAIN\) is not in the From domain's organisational domain acme\.example.*DMARC will fail: no DKIM signature/,
    );
    const withDkim = { ...loadConfig({ ...base, SPOOR_EMAIL_ENVELOPE_FROM: 'returns@esp.example' }) };
    withDkim.smtp = {
      ...withDkim.smtp,
      dkim: { domainName: 'acme.example', keySelector: 's', privateKey: '' },
    };
    expect(envelopeAlignmentWarnings(withDkim)[0]).toMatch(
      /domain esp\.example \(SPOOR_EMAIL_ENVELOPE_FROM\).*DMARC rests on the DKIM signature of acme\.example alone/,
    );
  });
});
