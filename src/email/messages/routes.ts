// Admin API for email messages: create, change, read, list, delete, and preview for a contact.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import {
  changeMessage,
  createMessage,
  deleteMessage,
  getMessage,
  listMessages,
  previewMessage,
} from './manage-messages.ts';
import type { MessageInput } from './message.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
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

export function messageRoutes(app: FastifyInstance, deps: { db: Kysely<Database> }): void {
  const { db } = deps;

  app.post<{ Body: MessageInput }>(
    '/api/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'Create a message (templates are checked: invalid Liquid is refused with 422).',
        body: Type.Object(fields),
      },
    },
    async (request, reply) => reply.code(201).send(await createMessage(db, request.body)),
  );

  app.get(
    '/api/messages',
    { schema: { tags: ['messages'], summary: 'All messages, without bodies.' } },
    async () => ({
      messages: await listMessages(db),
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/messages/:id',
    { schema: { tags: ['messages'], summary: 'One message.', params: IdParams } },
    async (request) => getMessage(db, request.params.id),
  );

  app.patch<{ Params: { id: string }; Body: Partial<MessageInput> }>(
    '/api/messages/:id',
    {
      schema: {
        tags: ['messages'],
        summary: 'Change some fields of a message (null clears an optional one).',
        params: IdParams,
        body: Type.Partial(Type.Object(fields)),
      },
    },
    async (request) => changeMessage(db, request.params.id, request.body),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/messages/:id',
    {
      schema: {
        tags: ['messages'],
        summary: 'Delete a message (sends keep their own copy).',
        params: IdParams,
      },
    },
    async (request, reply) => {
      await deleteMessage(db, request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string }; Body: { contactId: string } }>(
    '/api/messages/:id/preview',
    {
      schema: {
        tags: ['messages'],
        summary: 'The message rendered for a contact: subject, HTML, text and its links (nothing tracked).',
        params: IdParams,
        body: Type.Object({ contactId: Id }),
      },
    },
    async (request) => previewMessage(db, request.params.id, request.body.contactId),
  );
}
