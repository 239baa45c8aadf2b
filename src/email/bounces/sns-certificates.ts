// SNS's signing certificates and confirmation requests: fetched over HTTPS only from a URL that passed
// the SNS host rule (sns-message.ts), never following a redirect, never to a private address, with a
// size and time limit; certificates cached by URL (SNS rotates them rarely and names each by its
// hash). Then the signature check itself: SHA1withRSA (version 1) or SHA256withRSA (version 2) over
// the string SNS signs, with the certificate's public key while it is valid.

import { verify, X509Certificate } from 'node:crypto';
import { egressRequest } from '../../platform/egress/guarded-request.ts';
import { type SnsMessage, stringToSign } from './sns-message.ts';

const MAX_CERT_BYTES = 16_384;
const TIMEOUT_MS = 5_000;
const CACHE_SIZE = 32;

/** Test-only: a CA to trust and private addresses allowed (a local HTTPS server stands in for SNS). */
export interface FetchTrust {
  ca?: string;
  allowPrivate?: boolean;
}

/** GETs an https URL (already checked by the SNS host rule) through the egress guard; the body, or throws. */
export async function fetchHttps(url: URL, trust: FetchTrust, maxBytes: number): Promise<string> {
  const response = await egressRequest(url, {
    method: 'GET',
    headers: { 'user-agent': 'Spoor SNS subscriber' },
    timeoutMs: TIMEOUT_MS,
    maxResponseBytes: maxBytes,
    overflow: 'fail',
    policy: { allowHttpHosts: [], allowPrivateHosts: trust.allowPrivate ? ['*'] : [], ca: trust.ca },
  });
  if (response.status !== 200) throw new Error(`${url.host} answered ${response.status}`);
  return response.body;
}

export interface CertificateSource {
  certificate(url: URL): Promise<X509Certificate>;
}

/** Fetches each certificate once per process; a failed fetch is not cached (SNS may be briefly away). */
export function snsCertificates(trust: FetchTrust): CertificateSource {
  const cache = new Map<string, Promise<X509Certificate>>();
  return {
    certificate(url) {
      const key = url.href;
      const cached = cache.get(key);
      if (cached) return cached;
      const loading = fetchHttps(url, trust, MAX_CERT_BYTES).then((pem) => new X509Certificate(pem));
      loading.catch(() => cache.delete(key));
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(key, loading);
      return loading;
    },
  };
}

export type SnsSignatureCheck = { ok: true } | { ok: false; reason: string };

/** The signature over the string SNS signs, with a certificate valid now. */
export function checkSnsSignature(
  message: SnsMessage,
  certificate: X509Certificate,
  now: number,
): SnsSignatureCheck {
  if (Date.parse(certificate.validFrom) > now || Date.parse(certificate.validTo) < now)
    return { ok: false, reason: 'the signing certificate is not valid now' };
  if (!/^[A-Za-z0-9+/]{40,1400}={0,2}$/.test(message.signature))
    return { ok: false, reason: 'the Signature is not base64' };
  const algorithm = message.signatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256';
  let valid = false;
  try {
    valid = verify(
      algorithm,
      Buffer.from(stringToSign(message), 'utf8'),
      certificate.publicKey,
      Buffer.from(message.signature, 'base64'),
    );
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, reason: 'the signature does not match' };
}
