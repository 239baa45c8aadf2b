// A real HTTPS webhook receiver for tests: verifies every request with `standardwebhooks` (the reference
// verifier, not Spoor's code) against the secrets it is given, deduplicates by webhook-id as the
// specification asks receivers to, and answers as the test tells it (200, 500, 410, slow, held, a
// redirect, or not listening at all).
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { Config } from '../../src/config.ts';
import type { TestCa } from './test-ca.ts';

export type ReceiverMode =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  /** Answers after `ms` (beyond Spoor's timeout in tests). */
  | { kind: 'slow'; ms: number }
  /** Never answers (until the test lets go). */
  | { kind: 'hold' }
  | { kind: 'redirect'; location: string };

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** Which of the receiver's secrets verified it (by index), per standardwebhooks. */
  verifiedBy: number[];
  answered: number | null;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  /** Every request, in arrival order (retries included). */
  requests: Received[];
  /** Distinct webhook-ids processed (first verified arrival each), in order. */
  processed: Received[];
  secrets: string[];
  mode: ReceiverMode;
  /** Called when a request arrives (before it is answered). */
  onRequest?: (r: Received) => void;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(ca: TestCa, port = 0): Promise<WebhookReceiver> {
  let server: Server | undefined;
  const held: Array<() => void> = [];
  const receiver: WebhookReceiver = {
    url: '',
    port,
    requests: [],
    processed: [],
    secrets: [],
    mode: { kind: 'ok' },
    async start() {
      server = createServer({ key: ca.server.key, cert: ca.server.cert }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const headers = {
            'webhook-id': String(req.headers['webhook-id'] ?? ''),
            'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
            'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
          };
          const verifiedBy = receiver.secrets.flatMap((secret, index) => {
            try {
              new Webhook(secret).verify(body, headers);
              return [index];
            } catch {
              return [];
            }
          });
          const record: Received = {
            id: headers['webhook-id'],
            timestamp: headers['webhook-timestamp'],
            signature: headers['webhook-signature'],
            body,
            verifiedBy,
            answered: null,
          };
          receiver.requests.push(record);
          receiver.onRequest?.(record);
          const mode = receiver.mode;
          const answer = (status: number, extra: Record<string, string> = {}) => {
            record.answered = status;
            if (
              status >= 200 &&
              status < 300 &&
              verifiedBy.length > 0 &&
              !receiver.processed.some((p) => p.id === record.id)
            )
              receiver.processed.push(record);
            res.writeHead(status, { 'content-type': 'text/plain', ...extra });
            res.end(status >= 200 && status < 300 ? 'thanks' : `answered ${status}`);
          };
          if (mode.kind === 'ok') answer(verifiedBy.length > 0 ? 200 : 401);
          else if (mode.kind === 'status') answer(mode.status, mode.headers);
          else if (mode.kind === 'redirect') answer(302, { location: mode.location });
          else if (mode.kind === 'slow') {
            const timer = setTimeout(() => answer(200), mode.ms);
            held.push(() => clearTimeout(timer));
          } else held.push(() => res.destroy());
        });
      });
      await new Promise<void>((resolve) => server!.listen(receiver.port, '127.0.0.1', resolve));
      receiver.port = (server.address() as AddressInfo).port;
      receiver.url = `https://localhost:${receiver.port}/hooks/spoor`;
    },
    async stop() {
      for (const release of held.splice(0)) release();
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async close() {
      await receiver.stop();
    },
  };
  await receiver.start();
  return receiver;
}

/** The parsed body of a received webhook. */
export function bodyOf(r: Received): { type: string; timestamp: string; data: Record<string, unknown> } {
  return JSON.parse(r.body);
}

/**
 * Spoor's egress settings for sending to a receiver of `ca`: it listens on localhost, a private host the
 * SSRF guard refuses unless it is allowed, with a certificate only the test's CA vouches for.
 */
export function egressToReceiver(ca: TestCa): Config['webhooks']['egress'] {
  return { allowHttpHosts: [], allowPrivateHosts: ['localhost'], ca: ca.ca };
}
