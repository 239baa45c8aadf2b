// Builds the Fastify app, wiring only: plugins, the one error mapper, each domain mounting its routes (the
// admin API in its keyed scope). Background jobs are not here: src/workers.ts, started by the server.
import type { FastifyInstance } from 'fastify';
import {
  adminApi,
  adminArea,
  ownSessionArea,
  publicApi,
  refuseUnguardedAdminRoutes,
} from './access/admin-api.ts';
import { apiKeyRoutes } from './access/api-key-routes.ts';
import { auditAdminWrites } from './access/audit/audit-hook.ts';
import { auditRoutes } from './access/audit/routes.ts';
import { ownSessionRoutes, signInRoutes } from './access/sessions/routes.ts';
import { accountMailer } from './access/users/account-mail.ts';
import { accountPageRoutes } from './access/users/account-page-routes.ts';
import { invitationRoutes } from './access/users/invitation-routes.ts';
import { userRoutes } from './access/users/routes.ts';
import { registerApiContract } from './api-contract.ts';
import { DEMO_PAGE_SLUG } from './bootstrap.ts';
import { type Config, sessionTimeouts } from './config.ts';
import { contactRoutes } from './contacts/routes.ts';
import { cookieRoutes } from './cookies/routes.ts';
import { demoRoutes } from './demo/routes.ts';
import { errorPage } from './email/engagement/pages.ts';
import { engagementRoutes } from './email/engagement/routes.ts';
import { insightsRoutes } from './email/insights/routes.ts';
import { messageRoutes } from './email/messages/routes.ts';
import { sendRoutes } from './email/sends/routes.ts';
import { formLoaderRoutes } from './forms/loader-routes.ts';
import { publicFormRoutes } from './forms/public-routes.ts';
import { formRoutes } from './forms/routes.ts';
import { healthRoutes } from './health/routes.ts';
import { historyRoutes } from './history/routes.ts';
import { createFastify, type LoggerOption } from './http/create-fastify.ts';
import { mapErrors } from './http/error-mapper.ts';
import { registerRequestInput } from './http/request-input.ts';
import { signHandoff, verifyHandoff } from './identity/handoff.ts';
import { createInteractionFeed } from './interaction-feed.ts';
import { listRoutes } from './lists/routes.ts';
import { metricsRoutes } from './metrics/routes.ts';
import { interactionRoutes } from './platform/interactions/routes.ts';
import { privacyRoutes } from './privacy/routes.ts';
import { reportRoutes } from './reports/routes.ts';
import { loadInstallSecrets } from './secrets/install-secrets.ts';
import type { Storage } from './storage/database.ts';
import { createIngestor, type Ingestor } from './tracking/ingest.ts';
import { trackingRoutes } from './tracking/routes.ts';
import { webRoutes } from './web/routes.ts';
import { websiteRoutes } from './websites/routes.ts';
import { TrackedOrigins } from './websites/tracked-origins.ts';
import { WebsiteCache } from './websites/website-cache.ts';

export interface AppOptions {
  config: Config;
  storage: Storage;
  /** Fastify logger; off in tests. */
  logger?: LoggerOption;
  demoWebsiteId?: string;
}

export interface SpoorApp {
  app: FastifyInstance;
  ingestor: Ingestor;
}

const TRACKER_PATH = new URL('../tracker/dist/spoor.js', import.meta.url);

export async function buildApp(options: AppOptions): Promise<SpoorApp> {
  const { config, storage } = options;
  const app = createFastify(config, options.logger);
  registerRequestInput(app);

  await registerApiContract(app, {
    publicUrl: config.publicUrl,
    metricsToken: config.metricsToken !== undefined && config.metricsPort === undefined,
  });

  mapErrors(app, { errorPage });
  // Before any route: each route added from here on is counted by its pattern.
  metricsRoutes(app, { config, storage });

  // Every /api route needs an admin API key, attached to the route itself, never to a spelling of the URL:
  // routes under /api mount only through adminApi below, or the app refuses to start.
  refuseUnguardedAdminRoutes(app);

  const websites = new WebsiteCache(storage.db);
  const ingestor = createIngestor(storage, config.maxBatchSize);
  app.addHook('onClose', async () => ingestor.close());

  healthRoutes(app, { storage });
  cookieRoutes(app);
  // Install secrets: the seal (email tokens, click handoffs, send headers) and the install hash.
  const secrets = await loadInstallSecrets(storage.db, config.tokenKeys);
  const handoffVisitor = (token: string) => verifyHandoff(secrets.seal, token, Date.now());
  trackingRoutes(app, {
    ingestor,
    websites,
    collectBodyLimit: config.collectBodyLimit,
    collectRateLimit: config.collectRateLimit,
    trackerPath: TRACKER_PATH,
    ownOrigin: new URL(config.publicUrl).origin,
    handoffVisitor,
    trackedOrigins: new TrackedOrigins(storage.db),
    signHandoff: (visitorId) => signHandoff(secrets.seal, visitorId, Date.now()),
  });
  // Each domain's routes in the admin area whose scope manages them (docs/api.md, "Scopes").
  const feed = createInteractionFeed();
  const access = {
    db: storage.db,
    sessions: sessionTimeouts(config),
    publicOrigin: new URL(config.publicUrl).origin,
  };
  publicApi(app, (open) =>
    signInRoutes(open, {
      db: storage.db,
      timeouts: access.sessions,
      publicUrl: config.publicUrl,
      attemptsPerAccount: config.signInAttemptsPerAccount,
      attemptsPerAddress: config.signInAttemptsPerAddress,
    }),
  );
  // Invitations and password resets go out through the SMTP settings sends use (a transport made on first use).
  const mailer = accountMailer(config.smtp, config.emailFrom);
  app.addHook('onClose', async () => mailer.close());
  const links = { db: storage.db, secrets, publicUrl: config.publicUrl, sendMail: mailer.send };
  accountPageRoutes(app, { ...links, timeouts: access.sessions });
  adminApi(app, access, (admin) => {
    auditAdminWrites(admin, storage.db);
    ownSessionArea(admin, (own) => ownSessionRoutes(own, { db: storage.db, publicUrl: config.publicUrl }));
    adminArea(admin, 'administration', (administration) => {
      userRoutes(administration, { db: storage.db });
      invitationRoutes(administration, links);
      apiKeyRoutes(administration, { db: storage.db });
      auditRoutes(administration, { db: storage.db });
    });
    adminArea(admin, 'tracking', (tracking) => {
      websiteRoutes(tracking, { db: storage.db, cache: websites, publicUrl: config.publicUrl });
      reportRoutes(tracking, { db: storage.db });
      formRoutes(tracking, { db: storage.db });
      historyRoutes(tracking, { db: storage.db, feed });
      privacyRoutes(tracking, { storage });
    });
    adminArea(admin, 'contacts', (contacts) => {
      contactRoutes(contacts, { db: storage.db });
      interactionRoutes(contacts, { db: storage.db, feed });
      contacts.register(import('./contacts/import-routes.ts'), { storage });
    });
    adminArea(admin, 'email', (email) => {
      listRoutes(email, { db: storage.db });
      messageRoutes(email, { db: storage.db });
      sendRoutes(email, { db: storage.db });
      insightsRoutes(email, { db: storage.db });
    });
  });
  publicFormRoutes(app, {
    storage,
    websites,
    publicUrl: config.publicUrl,
    formRateLimit: config.formRateLimit,
    prefillCookieDays: config.prefillCookieDays,
    handoffVisitor,
  });
  formLoaderRoutes(app);

  // Email: the engagement endpoints (sending is a job: src/workers.ts).
  engagementRoutes(app, {
    storage,
    config,
    secrets,
  });

  if (options.demoWebsiteId) demoRoutes(app, { websiteId: options.demoWebsiteId });
  webRoutes(app, options.demoWebsiteId ? { demo: { page: '/demo/', signup: `/p/${DEMO_PAGE_SLUG}` } } : {});

  return { app, ingestor };
}
