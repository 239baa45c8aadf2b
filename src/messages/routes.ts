// HTTP for email messages (being built).
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';

export function messageRoutes(_app: FastifyInstance, _deps: { db: Kysely<Database> }): void {}
