// HTTP for email engagement: open pixel, click redirect, one-click unsubscribe, insights (being built).
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { InstallSecrets } from '../secrets/install-secrets.ts';
import type { Storage } from '../storage/database.ts';

export interface EngagementDeps {
  storage: Storage;
  config: Config;
  secrets: InstallSecrets;
}

export function engagementRoutes(_app: FastifyInstance, _deps: EngagementDeps): void {}
