// Admin API for what a contact's page shows beside the timeline: their browsers and the emails sent to
// them (mounted in the contacts area: src/app.ts).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors } from '../api-contract.ts';
import type { Database } from '../storage/schema.ts';
import { browsersOfContact, emailsOfContact } from './contact-channels.ts';

const OrNull = Type.Union([Type.String(), Type.Null()]);
const Time = Type.String({ format: 'date-time' });
const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const Browsers = Type.Object(
  {
    browsers: Type.Array(
      Type.Object({
        id: Type.String({ description: "The browser's visitor id (the install-wide cookie)." }),
        firstSeenAt: Time,
        lastSeenAt: Time,
      }),
    ),
  },
  {
    title: 'ContactBrowsers',
    examples: [
      {
        browsers: [
          {
            id: 'v1S1t0rIdXyZ12345678ab',
            firstSeenAt: '2026-05-01T09:30:00.000Z',
            lastSeenAt: '2026-05-03T10:00:00.000Z',
          },
        ],
      },
    ],
  },
);

const RecipientStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('sending'),
  Type.Literal('sent'),
  Type.Literal('blocked'),
  Type.Literal('hard_bounce'),
  Type.Literal('soft_bounce'),
  Type.Literal('unconfirmed'),
]);
const Emails = Type.Object(
  {
    suppressed: Type.Union(
      [Type.Object({ reason: Type.String(), since: Time, detail: OrNull }), Type.Null()],
      { description: 'The address is on the suppression list (never attempted again); null when not.' },
    ),
    emails: Type.Array(
      Type.Object({
        sendId: Type.String(),
        messageId: OrNull,
        subject: OrNull,
        status: RecipientStatus,
        blockReason: Type.Union(
          [
            Type.Literal('unsubscribed'),
            Type.Literal('do_not_email'),
            Type.Literal('no_address'),
            Type.Literal('hard_bounced'),
            Type.Null(),
          ],
          { description: 'Why the email was not sent, when it was blocked.' },
        ),
        sentAt: Type.Union([Time, Type.Null()]),
        lastResponse: Type.Union([Type.String(), Type.Null()], {
          description: "The receiving server's last answer (a bounce's reason).",
        }),
      }),
      { description: 'One per send: unsent first, then the newest sent first.' },
    ),
  },
  {
    title: 'ContactEmails',
    examples: [
      {
        suppressed: null,
        emails: [
          {
            sendId: 's3nDIdXyZ12345678abcde',
            messageId: 'm3sS4geIdXyZ12345678ab',
            subject: 'May news',
            status: 'sent',
            blockReason: null,
            sentAt: '2026-05-02T08:00:00.000Z',
            lastResponse: '250 2.0.0 OK',
          },
        ],
      },
    ],
  },
);

export function contactChannelRoutes(scope: FastifyInstance, deps: { db: Kysely<Database> }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps;

  app.get(
    '/api/contacts/:id/browsers',
    {
      schema: {
        operationId: 'listContactBrowsers',
        tags: ['contacts'],
        summary: 'The browsers known to be the contact (identified by a form, an email click, a handoff).',
        description: 'Oldest first. A merged-away id answers 404 naming the surviving contact.',
        params: Params,
        response: { 200: Browsers, ...errors(404, 503) },
      },
    },
    async (request) => browsersOfContact(db, request.params.id),
  );

  app.get(
    '/api/contacts/:id/emails',
    {
      schema: {
        operationId: 'listContactEmails',
        tags: ['contacts'],
        summary: 'The emails sent to the contact (one per send: sent, blocked or bounced) and suppression.',
        description:
          "Opens, clicks and unsubscribes are in the contact's history; this answers what was sent, what was not and why. A merged-away id answers 404 naming the surviving contact.",
        params: Params,
        response: { 200: Emails, ...errors(404, 503) },
      },
    },
    async (request) => emailsOfContact(db, request.params.id),
  );
}
