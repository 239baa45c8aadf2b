// Admin API for invitations and password resets (administration area): each sends an email with a sealed
// link; the answer never carries the link.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { errors, noContent } from '../../api-contract.ts';
import { AppError } from '../../lib/errors.ts';
import type { Database } from '../../storage/schema.ts';
import { actorOf } from '../principal.ts';
import { isRole } from '../scopes.ts';
import { createInvitation, createPasswordReset, type Invitation, type LinkSecrets } from './account-links.ts';
import { invitationMail, passwordResetMail, type SendAccountMail } from './account-mail.ts';
import { acceptLink, resetLink } from './account-page-routes.ts';
import { getUser } from './manage-users.ts';
import { RoleSchema } from './routes.ts';
import { listInvitationRows } from './store.ts';

export interface InvitationRouteDeps {
  db: Kysely<Database>;
  secrets: LinkSecrets;
  publicUrl: string;
  sendMail: SendAccountMail;
}

const InvitationSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    role: RoleSchema,
    createdAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.String({ format: 'date-time' }),
    acceptedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { title: 'Invitation' },
);

const iso = (ms: number) => new Date(ms).toISOString();
const invitationView = (invitation: Invitation) => ({
  id: invitation.id,
  email: invitation.email,
  name: invitation.name,
  role: invitation.role,
  createdAt: iso(invitation.createdAt),
  expiresAt: iso(invitation.expiresAt),
  acceptedAt: invitation.acceptedAt === null ? null : iso(invitation.acceptedAt),
});

export function invitationRoutes(scope: FastifyInstance, deps: InvitationRouteDeps) {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const { db, secrets, publicUrl } = deps;
  const host = new URL(publicUrl).host;

  app.get(
    '/api/invitations',
    {
      schema: {
        operationId: 'listInvitations',
        tags: ['accounts'],
        summary: 'Invitations sent, newest first, accepted or not.',
        description: 'Never the links: they were emailed only.',
        response: { 200: Type.Object({ invitations: Type.Array(InvitationSchema) }), ...errors(503) },
      },
    },
    async () => {
      const rows = await listInvitationRows(db);
      // The first administrator's links (no email, no inviter) are not invitations anyone sent.
      const sent = rows.filter((row) => row.invited_by !== null);
      return {
        invitations: sent.map((row) =>
          invitationView({
            id: row.id,
            email: row.email,
            name: row.name,
            role: isRole(row.role) ? row.role : 'analyst',
            invitedBy: row.invited_by,
            createdAt: Number(row.created_at),
            expiresAt: Number(row.expires_at),
            acceptedAt: row.accepted_at === null ? null : Number(row.accepted_at),
          }),
        ),
      };
    },
  );

  app.post(
    '/api/invitations',
    {
      schema: {
        operationId: 'inviteUser',
        tags: ['accounts'],
        summary: 'Invite someone by email with a role.',
        description:
          'Emails a link (valid 7 days, single use) through the SMTP settings Spoor sends with; the person chooses their password on the page it opens. 503 when the mail server does not take the email (the invitation is kept; invite again).',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 320 }),
            role: RoleSchema,
            name: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { examples: [{ email: 'lin@example.com', role: 'analyst', name: 'Lin' }] },
        ),
        response: { 201: InvitationSchema, ...errors(409, 422, 503) },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (!principal) throw new AppError('unauthorized', 'Sign in first.');
      const actor = actorOf(principal);
      const { invitation, token } = await createInvitation(db, secrets, {
        ...request.body,
        invitedBy: actor.id,
      });
      await deps.sendMail(
        invitationMail({
          to: invitation.email,
          role: invitation.role,
          invitedBy: actor.label,
          link: acceptLink(publicUrl, token),
          host,
        }),
      );
      return reply.code(201).send(invitationView(invitation));
    },
  );

  app.post(
    '/api/users/:id/reset',
    {
      schema: {
        operationId: 'sendPasswordReset',
        tags: ['accounts'],
        summary: 'Email a user a link to choose a new password.',
        description:
          'The link works once, for 60 minutes; using it signs the user out everywhere. The answer never carries it.',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 202: noContent('The email was handed to the mail server.'), ...errors(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const user = await getUser(db, request.params.id);
      if (user.status !== 'active')
        throw new AppError('conflict', `${user.email} is disabled: enable the user first.`);
      const token = await createPasswordReset(db, secrets, user.id);
      await deps.sendMail(passwordResetMail({ to: user.email, link: resetLink(publicUrl, token), host }));
      return reply.code(202).send();
    },
  );
}
