// Public: SendGrid's signed event webhook. The signature is checked over the raw body before anything
// is read (a bad one: 403, nothing recorded); then each bounce or spam report is recorded as an outcome
// (source "webhook") for the email its smtp-id (the Message-ID) names, once however often SendGrid
// sends it. 503 while an email it names is still being sent, so SendGrid retries the batch.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../api-contract.ts';
import type { Config } from '../../config.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Storage } from '../../storage/database.ts';
import { recordOutcome } from './record-outcome.ts';
import {
  checkSignature,
  readSendgridEvent,
  SIGNATURE_HEADER,
  sendgridKey,
  TIMESTAMP_HEADER,
} from './sendgrid-events.ts';
import { insertReport, recipientByMessageId, recipientFor } from './store.ts';

const BODY_LIMIT = 5 * 1024 * 1024;
const MAX_EVENTS = 10_000;
const Count = Type.Integer({ minimum: 0 });

export function webhookRoutes(app: FastifyInstance, deps: { storage: Storage; config: Config }): void {
  const { storage, config } = deps;
  const key = config.bounces.sendgridWebhookKey ? sendgridKey(config.bounces.sendgridWebhookKey) : null;
  app.register(async (plain) => {
    // The signature covers the body as sent: it is kept as text and parsed only once it holds.
    plain.removeContentTypeParser('application/json');
    plain.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: BODY_LIMIT },
      (_r, body, done) => done(null, body),
    );
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    scope.post(
      '/webhooks/sendgrid',
      {
        schema: {
          operationId: 'sendgridEvents',
          tags: ['email engagement'],
          summary: "SendGrid's signed event webhook: bounces and spam reports become outcomes.",
          description:
            'Set SPOOR_SENDGRID_WEBHOOK_KEY to the verification key SendGrid shows. The ECDSA signature over the timestamp and the raw body is checked first (403 when missing, stale or wrong; nothing recorded). Each event is recorded once.',
          body: Type.String({
            description: 'The JSON array of events, exactly as SendGrid sends it.',
            examples: [
              '[{"email":"ada@example.com","timestamp":1780000000,"smtp-id":"<a1b2@track.example.com>","event":"bounce","type":"bounce","status":"5.1.1","reason":"550 5.1.1 User unknown","sg_event_id":"ZHVtbXk"}]',
            ],
          }),
          response: {
            200: Type.Object(
              { recorded: Count, duplicates: Count, unmatched: Count, ignored: Count },
              { title: 'WebhookTally', examples: [{ recorded: 1, duplicates: 0, unmatched: 0, ignored: 3 }] },
            ),
            ...errors(400, 403, 404, 413, 503),
          },
        },
      },
      async (request) => {
        if (!key)
          throw new AppError('not_found', 'The SendGrid webhook is not set up (SPOOR_SENDGRID_WEBHOOK_KEY).');
        const header = (name: string) => {
          const value = request.headers[name];
          return typeof value === 'string' ? value : undefined;
        };
        const raw = request.body;
        const signed = checkSignature(
          key,
          raw,
          header(SIGNATURE_HEADER),
          header(TIMESTAMP_HEADER),
          Date.now(),
        );
        if (!signed.ok) throw new AppError('forbidden', `Not a genuine SendGrid request: ${signed.reason}.`);
        let events: unknown;
        try {
          events = JSON.parse(raw);
        } catch {
          throw new AppError('bad_request', 'The body is not JSON.');
        }
        if (!Array.isArray(events) || events.length > MAX_EVENTS)
          throw new AppError('bad_request', `The body must be a JSON array of at most ${MAX_EVENTS} events.`);
        return recordEvents(storage, config, events);
      },
    );
  });
}

async function recordEvents(storage: Storage, config: Config, events: unknown[]) {
  const tally = { recorded: 0, duplicates: 0, unmatched: 0, ignored: 0 };
  let inFlight = false;
  const now = Date.now();
  for (const event of events) {
    const read = readSendgridEvent(event);
    if (!read.outcome) {
      tally.ignored += 1;
      continue;
    }
    const outcome = read.outcome;
    const found = read.messageId ? await recipientByMessageId(storage.db, read.messageId) : undefined;
    const recipient = found ? await recipientFor(storage.db, found.send_id, found.contact_id) : undefined;
    // The event's address must be the one the email went to: a Message-ID alone is not trusted further.
    if (!found || !recipient || (read.email && recipient.email?.trim().toLowerCase() !== read.email)) {
      tally.unmatched += 1;
      await insertReport(storage.db, {
        id: newId(),
        received_at: now,
        source: 'sendgrid',
        verdict: 'unmatched',
        reason: 'the event names no email Spoor sent',
        envelope_from: null,
        envelope_to: read.email,
        size: 0,
        raw: JSON.stringify(event).slice(0, 20_000),
      });
      continue;
    }
    const result = await storage.db.transaction().execute((trx) =>
      recordOutcome(
        trx,
        {
          sendId: found.send_id,
          contactId: found.contact_id,
          ...outcome,
          source: 'webhook',
          reportId: null,
          occurredAt: now,
        },
        config.bounces,
        now,
      ),
    );
    if (result.recorded) tally.recorded += 1;
    else if (result.why === 'duplicate') tally.duplicates += 1;
    else if (result.why === 'in_flight') inFlight = true;
    else tally.unmatched += 1;
  }
  if (inFlight)
    throw new AppError('unavailable', 'An email these events name is still being sent; SendGrid will retry.');
  return tally;
}
