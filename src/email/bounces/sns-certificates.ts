// SNS's signing certificates and confirmation requests: fetched over HTTPS only from a URL that passed
// the SNS host rule (sns-message.ts), never following a redirect, never to a private address, with a
// size and time limit; certificates cached by URL (SNS rotates them rarely and names each by its
// hash). Then the signature check itself: SHA1withRSA (version 1) or SHA256withRSA (version 2) over
// the string SNS signs, with the certificate's public key while it is valid.

import { verify, X509Certificate } from 'node:crypto';
import { lookup } from 'node:dns';
import { request } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { type SnsMessage, stringToSign } from './sns-message.ts';

const MAX_CERT_BYTES = 16_384;
const TIMEOUT_MS = 5_000;
const CACHE_SIZE = 32;

/** Test-only: a CA to trust and private addresses allowed (a local HTTPS server stands in for SNS). */
export interface FetchTrust {
  ca?: string;
  allowPrivate?: boolean;
}

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['::ffff:0:0', 96],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

/** DNS as usual, but an SNS host name that resolves to a private or loopback address is refused. */
const publicOnly = ((
  hostname: string,
  options: { all?: boolean },
  callback: (...args: unknown[]) => void,
) => {
  lookup(hostname, { all: true }, (error, addresses) => {
    if (error) return callback(error);
    const bad = addresses.find(
      ({ address, family }) => isIP(address) === 0 || PRIVATE.check(address, family === 6 ? 'ipv6' : 'ipv4'),
    );
    if (bad || addresses.length === 0)
      return callback(new Error(`${hostname} resolves to a private address`));
    const first = addresses[0] as { address: string; family: number };
    if (options.all) callback(null, addresses);
    else callback(null, first.address, first.family);
  });
}) as unknown as LookupFunction;

/** GETs an https URL (already checked by the SNS host rule); the body up to `maxBytes`, or throws. */
export function fetchHttps(url: URL, trust: FetchTrust, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        timeout: TIMEOUT_MS,
        // A connection of its own each time: a pooled socket would skip the address check below.
        agent: false,
        ...(trust.ca ? { ca: trust.ca } : {}),
        ...(trust.allowPrivate ? {} : { lookup: publicOnly }),
        headers: { 'user-agent': 'Spoor SNS subscriber' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`${url.host} answered ${res.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy(new Error(`${url.host} sent more than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url.host} did not answer in time`)));
    req.on('error', reject);
    req.end();
  });
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
