// HTTP for sends (being built).
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';

export function sendRoutes(_app: FastifyInstance, _deps: { db: Kysely<Database> }): void {}
