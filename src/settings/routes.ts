// Settings the dashboard shows: the SMTP status (email area) and the install's privacy defaults (tracking
// area). Both read-only: these are set in the environment (docs/configuration.md).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errors } from '../api-contract.ts';
import type { Config } from '../config.ts';
import type { Db } from '../storage/schema.ts';
import { privacyDefaults } from './privacy-defaults.ts';
import { smtpStatus } from './smtp-status.ts';

const Time = Type.String({ format: 'date-time' });

const SmtpStatusSchema = Type.Object(
  {
    server: Type.Object({
      host: Type.String(),
      port: Type.Integer(),
      security: Type.Union(
        [Type.Literal('tls'), Type.Literal('starttls-required'), Type.Literal('starttls-when-offered')],
        { description: 'TLS from the first byte, STARTTLS required, or STARTTLS when the server offers it.' },
      ),
      login: Type.Union([Type.String(), Type.Null()], {
        description: 'The SMTP user, or null without login.',
      }),
      dkimDomain: Type.Union([Type.String(), Type.Null()], {
        description: 'The DKIM signing domain, if any.',
      }),
    }),
    from: Type.String({ description: 'The sender when a message names none (SPOOR_EMAIL_FROM).' }),
    check: Type.Object({
      reachable: Type.Boolean({
        description: 'Whether this node connected, started TLS and logged in just now.',
      }),
      message: Type.String({ description: 'What the server said, or why it could not be reached.' }),
      checkedAt: Time,
    }),
    lastSendError: Type.Union(
      [Type.Object({ sendId: Type.String(), message: Type.String(), at: Time }), Type.Null()],
      { description: 'The latest failure to reach the server recorded on any send, or null.' },
    ),
  },
  {
    title: 'SmtpStatus',
    examples: [
      {
        server: {
          host: 'smtp.example.com',
          port: 587,
          security: 'starttls-required',
          login: 'spoor',
          dkimDomain: null,
        },
        from: 'Acme <news@acme.example>',
        check: {
          reachable: false,
          message: 'smtp.example.com:587: connect ECONNREFUSED',
          checkedAt: '2026-05-01T09:30:00.000Z',
        },
        lastSendError: { sendId: 's0Pq3Rt', message: 'connect ECONNREFUSED', at: '2026-05-01T09:29:00.000Z' },
      },
    ],
  },
);

const PrivacyDefaultsSchema = Type.Object(
  {
    newWebsites: Type.Object(
      {
        visitorCookieDays: Type.Integer(),
        visitTimeoutMinutes: Type.Integer(),
        gpcMode: Type.Union([Type.Literal('anonymize'), Type.Literal('ignore')]),
        retentionDays: Type.Union([Type.Integer(), Type.Null()], { description: 'null: kept until erased.' }),
      },
      { description: 'What a website registered without these settings starts with.' },
    ),
    emailTrackingDefault: Type.Boolean({
      description:
        'Whether opens and clicks are tracked for contacts who never chose (SPOOR_EMAIL_TRACKING_DEFAULT).',
    }),
    prefillCookieDays: Type.Integer({ description: 'Lifetime of the prefill cookie (SPOOR_PREFILL_DAYS).' }),
    retentionIntervalMinutes: Type.Integer({ description: 'Minutes between passes of the retention job.' }),
    ipAddressesStored: Type.Literal(false, {
      description: 'Spoor never stores IP addresses (not a setting).',
    }),
  },
  { title: 'PrivacyDefaults' },
);

export function smtpStatusRoutes(scope: FastifyInstance, deps: { db: Db; config: Config }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/settings/smtp',
    {
      schema: {
        operationId: 'getSmtpStatus',
        tags: ['messages'],
        summary: 'Whether this node can reach the SMTP server now, and the last sending failure.',
        description:
          'Connects, starts TLS and logs in as sending does (no mail is sent; up to 5 seconds), and reports the latest failure to reach the server recorded on any send. The settings come from the environment (docs/configuration.md).',
        response: { 200: SmtpStatusSchema, ...errors(503) },
      },
    },
    async () => smtpStatus(deps.db, deps.config),
  );
}

export function privacyDefaultsRoutes(scope: FastifyInstance, deps: { config: Config }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const defaults = privacyDefaults(deps.config);
  app.get(
    '/api/settings/privacy',
    {
      schema: {
        operationId: 'getPrivacyDefaults',
        tags: ['privacy'],
        summary: "The install's privacy defaults.",
        description:
          'What new websites start with, whether email tracking applies to contacts who never chose, the prefill cookie lifetime and the retention schedule. Set in the environment and per website.',
        response: { 200: PrivacyDefaultsSchema, ...errors(503) },
      },
    },
    async () => defaults,
  );
}
