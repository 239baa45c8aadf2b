// Whether the envelope sender's domain lines up with the From domain as DMARC judges it (RFC 7489 §3.1,
// relaxed alignment: the same organisational domain). SPF checks the envelope sender (MAIL FROM); DMARC
// counts an SPF pass only when that domain aligns with From. Pure.
//
// The organisational domain here is a simple rule, not the Public Suffix List (Spoor carries no copy
// of it): the last two labels, or the last three when the last is a two-letter country code and the one
// before is a common second level there (co.uk, com.au, co.jp, …). Under a suffix the rule does not
// know (two sites under github.io, say) two domains can be judged aligned where DMARC would not align
// them; the other way round (a warning for domains that do align) only comes with unusual
// second-level names. docs/deployment.md says to confirm with DMARC reports.
import type { Config } from '../../config.ts';

const SECOND_LEVELS = new Set([
  'ac',
  'co',
  'com',
  'edu',
  'go',
  'gov',
  'ltd',
  'me',
  'ne',
  'net',
  'or',
  'org',
  'plc',
  'sch',
]);

export function organisationalDomain(domain: string): string {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  const last = labels.at(-1) ?? '';
  const second = labels.at(-2) ?? '';
  const keep = last.length === 2 && SECOND_LEVELS.has(second) && labels.length >= 3 ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/** DMARC's relaxed alignment, by the rule above. */
export function alignedRelaxed(a: string, b: string): boolean {
  return organisationalDomain(a) === organisationalDomain(b);
}

/** The domain of an address, or of the address in "Name <address>". */
export function domainOfAddress(address: string): string | null {
  const bare = /<([^<>]+)>\s*$/.exec(address)?.[1] ?? address.trim();
  const at = bare.lastIndexOf('@');
  return at < 0 ? null : bare.slice(at + 1).toLowerCase() || null;
}

/**
 * One sentence per envelope domain in use that does not align with SPOOR_EMAIL_FROM's domain, saying
 * what DMARC then rests on. Empty when every envelope aligns (or the envelope is the From address).
 */
export function envelopeAlignmentWarnings(config: Pick<Config, 'emailFrom' | 'smtp' | 'bounces'>): string[] {
  const fromDomain = domainOfAddress(config.emailFrom);
  if (!fromDomain) return [];
  const envelopes: [string, string][] = [];
  if (config.bounces.domain) envelopes.push(['SPOOR_BOUNCE_DOMAIN', config.bounces.domain]);
  const envelopeFromDomain = config.smtp.envelopeFrom ? domainOfAddress(config.smtp.envelopeFrom) : null;
  if (envelopeFromDomain) envelopes.push(['SPOOR_EMAIL_ENVELOPE_FROM', envelopeFromDomain]);
  const dkim = config.smtp.dkim?.domainName.toLowerCase();
  const dmarc = !dkim
    ? 'DMARC will fail: no DKIM signature (SPOOR_DKIM_DOMAIN) can align instead'
    : alignedRelaxed(dkim, fromDomain)
      ? `DMARC rests on the DKIM signature of ${dkim} alone (a forward that breaks it fails DMARC)`
      : `DMARC will fail: the DKIM domain ${dkim} does not align either`;
  return envelopes
    .filter(([, domain]) => !alignedRelaxed(domain, fromDomain))
    .map(
      ([name, domain]) =>
        `The envelope sender's domain ${domain} (${name}) is not in the From domain's organisational domain ${organisationalDomain(fromDomain)} (SPOOR_EMAIL_FROM), so SPF cannot align for DMARC; ${dmarc}. Use a subdomain of ${organisationalDomain(fromDomain)}.`,
    );
}
