// Admin API for email messages: create, change, read, list, delete, and preview for a contact.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors, media, noContent } from '../../api-contract.ts';
import type { Database } from '../../storage/schema.ts';
import {
  changeMessage,
  createMessage,
  deleteMessage,
  getMessage,
  listMessages,
  mergeFields,
  previewDraft,
  previewMessage,
  type UnknownOffers,
} from './manage-messages.ts';
import type { MessageInput } from './message.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
/**
 * A rendered email is the author's HTML: shown as a page it runs no script (sandbox, no script source),
 * keeps its inline styles and remote images as a mail client shows them, and only Spoor may frame it.
 */
const PREVIEW_CSP = [
  'sandbox',
  "default-src 'none'",
  "style-src 'unsafe-inline' https:",
  'img-src https: http: data:',
  'font-src https: data:',
  "frame-ancestors 'self'",
  "form-action 'none'",
  "base-uri 'none'",
].join('; ');
const IdParams = Type.Object({ id: Id });
const OptionalText = (maxLength: number, description: string) =>
  Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()], { description }));
const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  subject: Type.String({ minLength: 1, maxLength: 2000, description: 'Liquid template, one line.' }),
  html: Type.String({ minLength: 1, maxLength: 700_000, description: 'Liquid template.' }),
  text: OptionalText(300_000, 'Plain-text Liquid template; null or absent = made from the HTML.'),
  fromName: OptionalText(200, "Sender's name; null = the install's sender."),
  fromEmail: OptionalText(254, "Sender's address; null = the install's sender."),
  replyTo: OptionalText(254, 'Reply-To address.'),
};

const OrNull = Type.Union([Type.String(), Type.Null()]);
const summaryFields = {
  id: Type.String(),
  name: Type.String(),
  subject: Type.String(),
  fromName: OrNull,
  fromEmail: OrNull,
  replyTo: OrNull,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
};
const messageExample = {
  id: 'm3ssAg3IdXyZ12345678ab',
  name: 'May news',
  subject: 'News for {{ contact.firstName | default: "you" }}',
  html: '<p>Hello {{ contact.firstName }}, <a href="https://shop.example/may">see what is new</a>.</p>',
  text: null,
  fromName: null,
  fromEmail: null,
  replyTo: null,
  createdAt: '2026-05-01T09:30:00.000Z',
  updatedAt: '2026-05-01T09:30:00.000Z',
};
const Message = Type.Object(
  { ...summaryFields, html: Type.String(), text: OrNull },
  { title: 'Message', examples: [messageExample] },
);
const MessageSummary = Type.Object(summaryFields, { title: 'MessageSummary' });
const Link = Type.Object({ position: Type.Integer(), url: Type.String() });
const previewFields = {
  subject: Type.String({ description: 'Rendered for the contact, one line.' }),
  html: Type.String({
    description:
      "The HTML as the contact would get it, with the original links (no tracking, no pixel). Show it in a sandboxed frame: it is the author's HTML.",
  }),
  text: Type.String(),
  links: Type.Array(Link, { description: 'The links that will be tracked, by position.' }),
};
const templateErrors = errors([
  422,
  'A template that is not valid Liquid or cannot be rendered, or a field that cannot be used (`details.fields`).',
]);

export function messageRoutes(
  scope: FastifyInstance,
  deps: { db: Kysely<Database>; unknownOffers?: UnknownOffers },
): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps;

  app.post(
    '/api/messages',
    {
      schema: {
        operationId: 'createMessage',
        tags: ['messages'],
        summary: 'Create a message (templates are checked: invalid Liquid is refused with 422).',
        description: 'docs/email.md lists the merge fields and how links are tracked.',
        body: Type.Object(fields, {
          examples: [
            { name: messageExample.name, subject: messageExample.subject, html: messageExample.html },
          ],
        }),
        response: { 201: Message, ...templateErrors, ...errors(503) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createMessage(db, request.body as MessageInput, deps.unknownOffers)),
  );

  app.get(
    '/api/messages',
    {
      schema: {
        operationId: 'listMessages',
        tags: ['messages'],
        summary: 'All messages, without bodies.',
        description: 'Newest first, without `html` and `text`.',
        response: { 200: Type.Object({ messages: Type.Array(MessageSummary) }), ...errors(503) },
      },
    },
    async () => ({ messages: await listMessages(db) }),
  );

  app.get(
    '/api/messages/:id',
    {
      schema: {
        operationId: 'getMessage',
        tags: ['messages'],
        summary: 'One message.',
        description: 'A message by its id, with its templates.',
        params: IdParams,
        response: { 200: Message, ...errors(404, 503) },
      },
    },
    async (request) => getMessage(db, request.params.id),
  );

  app.patch(
    '/api/messages/:id',
    {
      schema: {
        operationId: 'changeMessage',
        tags: ['messages'],
        summary: 'Change some fields of a message (null clears an optional one).',
        description: 'Sends already created keep their own copy.',
        params: IdParams,
        body: Type.Partial(Type.Object(fields), { examples: [{ subject: 'Our May news' }] }),
        response: { 200: Message, ...errors(404), ...templateErrors, ...errors(503) },
      },
    },
    async (request) =>
      changeMessage(db, request.params.id, request.body as Partial<MessageInput>, deps.unknownOffers),
  );

  app.delete(
    '/api/messages/:id',
    {
      schema: {
        operationId: 'deleteMessage',
        tags: ['messages'],
        summary: 'Delete a message (sends keep their own copy).',
        description: 'Sends made from it, past or queued, are not changed.',
        params: IdParams,
        response: { 204: noContent('Deleted.'), ...errors(404, 503) },
      },
    },
    async (request, reply) => {
      await deleteMessage(db, request.params.id);
      return reply.code(204).send(undefined);
    },
  );

  app.post(
    '/api/messages/:id/preview',
    {
      schema: {
        operationId: 'previewMessage',
        tags: ['messages'],
        summary: 'The message rendered for a contact: subject, HTML, text and its links (nothing tracked).',
        description: 'An unknown message or contact answers 404.',
        params: IdParams,
        body: Type.Object({ contactId: Id }, { examples: [{ contactId: 'c0Nt4ctIdXyZ12345678ab' }] }),
        response: {
          200: Type.Object(previewFields, { title: 'MessagePreview' }),
          ...errors(404),
          ...templateErrors,
          ...errors(503),
        },
      },
    },
    async (request) => previewMessage(db, request.params.id, request.body.contactId),
  );

  app.get(
    '/api/messages/:id/preview.html',
    {
      schema: {
        operationId: 'previewMessageHtml',
        tags: ['messages'],
        summary: 'The message rendered for a contact as an HTML page, inert, for a sandboxed frame.',
        description:
          "The HTML part as `contactId` would get it (merge fields empty without one), original links, nothing tracked. Served under a Content-Security-Policy with `sandbox` and no script source: nothing in the author's HTML runs, even opened on its own; only this origin may frame it. An unknown message or contact answers 404.",
        params: IdParams,
        querystring: Type.Object({ contactId: Type.Optional(Id) }),
        response: {
          200: media('text/html', 'The rendered HTML part.'),
          ...errors(404),
          ...templateErrors,
          ...errors(503),
        },
      },
    },
    async (request, reply) => {
      const preview = await previewMessage(db, request.params.id, request.query.contactId);
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', PREVIEW_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-store')
        .send(preview.html);
    },
  );

  app.post(
    '/api/messages/preview',
    {
      schema: {
        operationId: 'previewDraftMessage',
        tags: ['messages'],
        summary: 'A draft (not saved) rendered for a contact, with the links that will be tracked.',
        description:
          "For an editor's live preview: the templates are checked as saving checks them (invalid Liquid answers 422), but links that cannot be tracked are listed in `refusedLinks` instead of refused. Without `contactId` the merge fields render empty (or their `default`). An unknown contact answers 404.",
        body: Type.Object(
          {
            subject: fields.subject,
            html: fields.html,
            text: fields.text,
            contactId: Type.Optional(Id),
          },
          {
            examples: [
              {
                subject: messageExample.subject,
                html: messageExample.html,
                contactId: 'c0Nt4ctIdXyZ12345678ab',
              },
            ],
          },
        ),
        response: {
          200: Type.Object(
            {
              ...previewFields,
              refusedLinks: Type.Array(
                Type.Object({ part: Type.String(), url: Type.String(), problem: Type.String() }),
                { description: 'Links left untracked (saving refuses them until they are corrected).' },
              ),
            },
            {
              title: 'DraftPreview',
              examples: [
                {
                  subject: 'News for Ada',
                  html: '<p>Hello Ada, <a href="https://shop.example/may">see what is new</a>.</p>',
                  text: 'Hello Ada, see what is new (https://shop.example/may).',
                  links: [{ position: 0, url: 'https://shop.example/may' }],
                  refusedLinks: [],
                },
              ],
            },
          ),
          ...errors(404),
          ...templateErrors,
          ...errors(503),
        },
      },
    },
    async (request) => previewDraft(db, request.body),
  );

  app.get(
    '/api/messages/merge-fields',
    {
      schema: {
        operationId: 'listMergeFields',
        tags: ['messages'],
        summary: 'The merge fields a message template can use.',
        description: 'Liquid tags with what each one gives, for an editor to offer.',
        response: {
          200: Type.Object(
            {
              mergeFields: Type.Array(Type.Object({ tag: Type.String(), description: Type.String() })),
            },
            {
              title: 'MergeFields',
              examples: [
                {
                  mergeFields: [
                    { tag: '{{ contact.first_name }}', description: "The contact's first name." },
                  ],
                },
              ],
            },
          ),
          ...errors(503),
        },
      },
    },
    async () => ({ mergeFields: mergeFields() }),
  );
}
