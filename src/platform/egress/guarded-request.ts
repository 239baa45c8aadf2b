// The one way Spoor makes an HTTP request to an address someone else chose (webhook endpoints, SNS's
// certificate and confirmation URLs): https only unless an administrator allowed http for the host; no
// private, loopback, link-local or metadata address unless allowed for the host (private-address.ts),
// checked on the address actually connected to (the lookup hook runs at connect time, so a name that
// resolves to a public address when checked and a private one when used — DNS rebinding — is refused
// too); redirects never followed; a deadline for the whole exchange and a cap on the body read.
import { lookup } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPrivateAddress } from './private-address.ts';

export interface EgressPolicy {
  /** Host names (lower case) an administrator allowed plain http for. */
  allowHttpHosts: readonly string[];
  /** Host names allowed to be or resolve to private addresses; `*` allows every host (tests only). */
  allowPrivateHosts: readonly string[];
  /** A CA to trust besides the system's (tests: a local HTTPS server's). */
  ca?: string | undefined;
}

export const STRICT_EGRESS: EgressPolicy = { allowHttpHosts: [], allowPrivateHosts: [] };

/** The host as a name or a bare address ([::1] → ::1), lower case. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

const privateAllowed = (host: string, policy: EgressPolicy) =>
  policy.allowPrivateHosts.includes('*') || policy.allowPrivateHosts.includes(host);

/**
 * Why a URL may not be requested at all, before any DNS (the scheme, credentials, an address literal),
 * or null. A name is checked again on what it resolves to when the connection is made.
 */
export function refusedTarget(url: URL, policy: EgressPolicy): string | null {
  const host = hostOf(url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'the URL must start with https://';
  if (url.protocol === 'http:' && !policy.allowHttpHosts.includes(host))
    return `the URL must use https (an administrator can allow http for ${host}: SPOOR_EGRESS_HTTP_HOSTS)`;
  if (url.username || url.password) return 'the URL must not carry a user name or password';
  if (host === '') return 'the URL has no host';
  if (isIP(host) !== 0 && isPrivateAddress(host) && !privateAllowed(host, policy))
    return `${host} is a private, loopback, link-local or reserved address`;
  return null;
}

/** A refused target or a name resolving to a private address: not worth retrying soon, but reported. */
export class EgressRefused extends Error {}

/** DNS as usual, but a name resolving to any private address is refused (every address is checked). */
const publicOnly = ((
  hostname: string,
  options: { all?: boolean },
  callback: (...args: unknown[]) => void,
) => {
  lookup(hostname, { all: true }, (error, addresses) => {
    if (error) return callback(error);
    if (addresses.length === 0 || addresses.some(({ address }) => isPrivateAddress(address)))
      return callback(new EgressRefused(`${hostname} resolves to a private address`));
    const first = addresses[0] as { address: string; family: number };
    if (options.all) callback(null, addresses);
    else callback(null, first.address, first.family);
  });
}) as unknown as LookupFunction;

export interface EgressRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange, connect to last byte. */
  timeoutMs: number;
  /** Bytes of the answer's body kept. */
  maxResponseBytes: number;
  /** Past maxResponseBytes: keep what was read (a receiver's reply) or fail (a certificate). */
  overflow: 'truncate' | 'fail';
  policy: EgressPolicy;
}

export interface EgressResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Sends one request under the policy; answers whatever status came back (a redirect is just a 3xx). */
export function egressRequest(url: URL, options: EgressRequest): Promise<EgressResponse> {
  const refused = refusedTarget(url, options.policy);
  if (refused) return Promise.reject(new EgressRefused(refused));
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method,
        // A connection of its own each time: a pooled socket would skip the address check.
        agent: false,
        ...(options.policy.ca ? { ca: options.policy.ca } : {}),
        ...(privateAllowed(hostOf(url), options.policy) ? {} : { lookup: publicOnly }),
        headers: {
          'user-agent': 'Spoor',
          ...(options.body === undefined
            ? {}
            : { 'content-length': String(Buffer.byteLength(options.body)) }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(deadline);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        };
        res.on('data', (chunk: Buffer) => {
          if (done) return;
          const room = options.maxResponseBytes - size;
          if (chunk.length > room) {
            if (options.overflow === 'fail') {
              req.destroy(new Error(`${url.host} sent more than ${options.maxResponseBytes} bytes`));
              return;
            }
            chunks.push(chunk.subarray(0, room));
            size += room;
            finish();
            res.destroy();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', finish);
        res.on('error', (error) => {
          if (!done) reject(error);
        });
      },
    );
    const deadline = setTimeout(
      () => req.destroy(new Error(`${url.host} did not answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    req.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    req.end(options.body);
  });
}
