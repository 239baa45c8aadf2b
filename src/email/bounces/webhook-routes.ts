// Public: the email providers' webhooks (SendGrid, Amazon SES through SNS, Mailgun, Postmark). Each
// checks the proof its provider documents before reading anything (a bad one: 401/403, nothing
// recorded), then records bounces and complaints as outcomes (source "webhook") once however often
// they arrive; 503 while an email they name is still being sent, so the provider retries. Bodies are
// kept as text: SendGrid's signature covers the raw body, and SNS posts JSON as text/plain.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../api-contract.ts';
import type { Config } from '../../config.ts';
import { AppError } from '../../lib/errors.ts';
import type { Seal } from '../../platform/seal.ts';
import type { Storage } from '../../storage/database.ts';
import { recordWebhookEvents, type WebhookDeps } from './record-webhook-events.ts';
import {
  checkSignature,
  readSendgridEvent,
  SIGNATURE_HEADER,
  sendgridKey,
  TIMESTAMP_HEADER,
} from './sendgrid-events.ts';
import { snsCertificates } from './sns-certificates.ts';
import { PRODUCTION_TRUST } from './sns-message.ts';
import { takeMailgunWebhook, takePostmarkWebhook } from './take-provider-webhook.ts';
import { takeSnsMessage } from './take-sns-message.ts';

const MAX_EVENTS = 10_000;
const Count = Type.Integer({ minimum: 0 });
const TallyFields = { recorded: Count, duplicates: Count, unmatched: Count, ignored: Count };
const Tally = Type.Object(TallyFields, {
  title: 'WebhookTally',
  examples: [{ recorded: 1, duplicates: 0, unmatched: 0, ignored: 3 }],
});
const tags = ['email engagement'];

export function webhookRoutes(
  app: FastifyInstance,
  deps: { storage: Storage; config: Config; secrets: { seal: Pick<Seal, 'sealText' | 'openText'> } },
): void {
  const { storage, config } = deps;
  const shared: WebhookDeps = { storage, config, seal: deps.secrets.seal };
  const key = config.bounces.sendgridWebhookKey ? sendgridKey(config.bounces.sendgridWebhookKey) : null;
  const { sesTopicArns, snsTrust, mailgunSigningKey, postmark } = config.espWebhooks;
  const trust = snsTrust
    ? { host: snsTrust.host, ca: snsTrust.ca, allowPrivate: true }
    : { ...PRODUCTION_TRUST };
  const sns = { ...shared, trust, certificates: snsCertificates(trust) };
  const text = (_r: unknown, body: string, done: (error: null, body: string) => void) => done(null, body);

  app.register(async (plain) => {
    // The bodies stay text: each route parses only once the proof holds.
    plain.removeContentTypeParser(['application/json', 'text/plain']);
    plain.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, text);
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    const header = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

    scope.post(
      '/webhooks/sendgrid',
      {
        bodyLimit: 5 * 1024 * 1024,
        schema: {
          operationId: 'sendgridEvents',
          tags,
          summary: "SendGrid's signed event webhook: bounces and spam reports become outcomes.",
          description:
            'Set SPOOR_SENDGRID_WEBHOOK_KEY to the verification key SendGrid shows. The ECDSA signature over the timestamp and the raw body is checked first (403 when missing, stale or wrong; nothing recorded). Each event is recorded once.',
          body: Type.String({
            description: 'The JSON array of events, exactly as SendGrid sends it.',
            examples: [
              '[{"email":"ada@example.com","timestamp":1780000000,"smtp-id":"<a1b2@track.example.com>","event":"bounce","type":"bounce","status":"5.1.1","reason":"550 5.1.1 User unknown","sg_event_id":"ZHVtbXk"}]',
            ],
          }),
          response: { 200: Tally, ...errors(400, 403, 404, 413, 503) },
        },
      },
      async (request) => {
        if (!key)
          throw new AppError('not_found', 'The SendGrid webhook is not set up (SPOOR_SENDGRID_WEBHOOK_KEY).');
        const raw = request.body;
        const signed = checkSignature(
          key,
          raw,
          header(request.headers[SIGNATURE_HEADER]),
          header(request.headers[TIMESTAMP_HEADER]),
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
        return recordWebhookEvents(shared, 'sendgrid', events.map(readSendgridEvent), (_e, index) =>
          JSON.stringify(events[index]),
        );
      },
    );

    scope.post(
      '/webhooks/ses',
      {
        bodyLimit: 1024 * 1024,
        schema: {
          operationId: 'sesNotifications',
          tags,
          summary:
            'Amazon SES notifications through an SNS HTTPS subscription: bounces and complaints become outcomes.',
          description:
            "Set SPOOR_SES_TOPIC_ARNS to the SNS topics SES publishes to. Each message's signature (SignatureVersion 1 or 2) is checked with the certificate SNS serves from sns.<region>.amazonaws.com before anything is read: 403 for another topic, a stale Timestamp, a certificate from elsewhere or a wrong signature, and nothing is recorded. A SubscriptionConfirmation for a configured topic is confirmed.",
          body: Type.String({
            description: 'The SNS message, JSON (SNS posts it as text/plain).',
            examples: [
              '{"Type":"Notification","MessageId":"8b0c3d61-5f0e-5a58-9a4e-6d0c4c1e2f10","TopicArn":"arn:aws:sns:eu-west-1:123456789012:ses-bounces","Message":"{\\"notificationType\\":\\"Bounce\\"}","Timestamp":"2026-12-06T12:00:00.000Z","SignatureVersion":"2","Signature":"c2lnbmF0dXJl","SigningCertURL":"https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem"}',
            ],
          }),
          response: {
            200: Type.Object(
              {
                ...TallyFields,
                subscription: Type.Union(
                  [Type.Literal('confirmed'), Type.Literal('unsubscribed'), Type.Null()],
                  {
                    description: 'What became of a (un)subscription confirmation; null for a notification.',
                  },
                ),
              },
              { title: 'SesWebhookResult' },
            ),
            ...errors(400, 403, 404, 413, 503),
          },
        },
      },
      async (request) => {
        if (sesTopicArns.length === 0)
          throw new AppError('not_found', 'The Amazon SES webhook is not set up (SPOOR_SES_TOPIC_ARNS).');
        return takeSnsMessage(sns, request.body);
      },
    );

    scope.post(
      '/webhooks/mailgun',
      {
        bodyLimit: 1024 * 1024,
        schema: {
          operationId: 'mailgunEvents',
          tags,
          summary: "Mailgun's signed webhooks: permanent failures and complaints become outcomes.",
          description:
            "Set SPOOR_MAILGUN_WEBHOOK_SIGNING_KEY to Mailgun's HTTP webhook signing key. The HMAC-SHA256 of the body's timestamp and token is checked first: 403 when wrong or more than 15 minutes off, 409 for a token taken before (a replay); nothing recorded.",
          body: Type.String({
            description:
              'The JSON body Mailgun posts: {signature: {timestamp, token, signature}, "event-data": {…}}.',
            examples: [
              '{"signature":{"timestamp":"1780000000","token":"0123456789abcdef0123456789abcdef0123456789abcdef01","signature":"00"},"event-data":{"event":"failed","severity":"permanent","recipient":"ada@example.com","message":{"headers":{"message-id":"a1b2@track.example.com"}}}}',
            ],
          }),
          response: { 200: Tally, ...errors(400, 403, 404, 409, 413, 503) },
        },
      },
      async (request) => {
        if (!mailgunSigningKey)
          throw new AppError(
            'not_found',
            'The Mailgun webhook is not set up (SPOOR_MAILGUN_WEBHOOK_SIGNING_KEY).',
          );
        return takeMailgunWebhook(shared, mailgunSigningKey, request.body);
      },
    );

    scope.post(
      '/webhooks/postmark',
      {
        bodyLimit: 5 * 1024 * 1024,
        schema: {
          operationId: 'postmarkEvents',
          tags,
          summary: "Postmark's bounce and spam-complaint webhooks (Basic credentials in the webhook URL).",
          description:
            'Postmark signs nothing; it documents HTTP Basic credentials in the webhook URL. Set SPOOR_POSTMARK_WEBHOOK_USER and SPOOR_POSTMARK_WEBHOOK_PASSWORD and put them in the URL (https://user:password@host/webhooks/postmark): 401 without them, nothing recorded.',
          body: Type.String({
            description: 'One Postmark Bounce or SpamComplaint record, JSON.',
            examples: [
              '{"RecordType":"Bounce","Type":"HardBounce","TypeCode":1,"MessageID":"883953f4-6105-42a2-a16a-77a8eac79483","Email":"ada@example.com","Details":"smtp;550 5.1.1 User unknown","Metadata":{"spoor-send":"2.abc.def.tag"}}',
            ],
          }),
          response: { 200: Tally, ...errors(400, 401, 404, 413, 503) },
        },
      },
      async (request, reply) => {
        if (!postmark)
          throw new AppError(
            'not_found',
            'The Postmark webhook is not set up (SPOOR_POSTMARK_WEBHOOK_USER and SPOOR_POSTMARK_WEBHOOK_PASSWORD).',
          );
        try {
          return await takePostmarkWebhook(
            shared,
            postmark,
            header(request.headers.authorization),
            request.body,
          );
        } catch (error) {
          // A client that sends URL credentials only when challenged gets the challenge.
          if (error instanceof AppError && error.code === 'unauthorized')
            reply.header('www-authenticate', 'Basic realm="Spoor webhooks", charset="UTF-8"');
          throw error;
        }
      },
    );
  });
}
