// Builds the Fastify app, wiring only: plugins, the one error mapper, each domain mounting its routes (the
// admin API in its keyed scope). Background jobs are not here: src/workers.ts, started by the server.
import type { FastifyInstance } from 'fastify';
import { adminApi, adminArea, refuseUnguardedAdminRoutes } from './access/admin-api.ts';
import { accountRoutes } from './access/routes.ts';
import { registerApiContract } from './api-contract.ts';
import type { Config } from './config.ts';
import { contactImportJobRoutes } from './contacts/import-job-routes.ts';
import { contactRoutes } from './contacts/routes.ts';
import { cookieRoutes } from './cookies/routes.ts';
import { bounceReportRoutes } from './email/bounces/routes.ts';
import { outcomeSourcesOf } from './email/bounces/store.ts';
import { webhookRoutes } from './email/bounces/webhook-routes.ts';
import { errorPage } from './email/engagement/pages.ts';
import { engagementRoutes } from './email/engagement/routes.ts';
import { forwardRoutes } from './email/forwards/routes.ts';
import { insightsRoutes } from './email/insights/routes.ts';
import { messageRoutes } from './email/messages/routes.ts';
import { sendRoutes } from './email/sends/routes.ts';
import { subscriptionCenterRoutes } from './email/subscription-center/routes.ts';
import { suppressionRoutes } from './email/suppression/routes.ts';
import { calendarRoutes } from './events/calendar/routes.ts';
import { checkInRoutes } from './events/check-in/routes.ts';
import { eventInsightsRoutes } from './events/insights/routes.ts';
import { eventWebsiteRoutes } from './events/public-routes.ts';
import { eventRoutes } from './events/routes.ts';
import { formsUsingContactField } from './forms/contact-field-users.ts';
import { publicFormRoutes } from './forms/public-routes.ts';
import { formRoutes } from './forms/routes.ts';
import { healthRoutes } from './health/routes.ts';
import { contactChannelRoutes } from './history/channel-routes.ts';
import { historyRoutes } from './history/routes.ts';
import { createFastify, type LoggerOption } from './http/create-fastify.ts';
import { mapErrors } from './http/error-mapper.ts';
import { registerRequestInput } from './http/request-input.ts';
import { handoffsOver } from './identity/handoff.ts';
import { createInteractionFeed } from './interaction-feed.ts';
import { importListHooks } from './lists/import-hooks.ts';
import { listRoutes } from './lists/routes.ts';
import { metricsRoutes } from './metrics/routes.ts';
import { unknownOffers } from './offers/manage-offers.ts';
import { offerPublicRoutes } from './offers/public-routes.ts';
import { offerRoutes } from './offers/routes.ts';
import { overviewRoutes } from './overview/routes.ts';
import { interactionRoutes } from './platform/interactions/routes.ts';
import { privacyRoutes } from './privacy/routes.ts';
import { reportRoutes } from './reports/routes.ts';
import { scoringRoutes } from './scoring/routes.ts';
import { loadInstallSecrets } from './secrets/install-secrets.ts';
import { privacyDefaultsRoutes, smtpStatusRoutes } from './settings/routes.ts';
import type { Storage } from './storage/database.ts';
import type { Ingestor } from './tracking/ingest.ts';
import { trackingRoutes } from './tracking/routes.ts';
import { dashboardRoutes } from './web/dashboard-routes.ts';
import { webRoutes } from './web/routes.ts';
import { webhookRoutes as outgoingWebhookRoutes } from './webhooks/routes.ts';
import { websiteRoutes } from './websites/routes.ts';
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

export async function buildApp(options: AppOptions): Promise<SpoorApp> {
  const { config, storage } = options;
  const app = createFastify(config, options.logger);
  registerRequestInput(app);

  await registerApiContract(app, config);

  mapErrors(app, { errorPage });
  // Before any route: each route added from here on is counted by its pattern.
  metricsRoutes(app, { config, storage });

  // Every /api route needs an admin API key or a signed-in session, checked on the route itself, never on a
  // spelling of the URL: routes under /api mount only through adminApi (or publicApi: signing in) below, or
  // the app refuses to start.
  refuseUnguardedAdminRoutes(app);

  // Install secrets: the seal (email tokens, click handoffs, send headers, account links) and the install hash.
  const secrets = await loadInstallSecrets(storage.db, config.tokenKeys);
  const handoffs = handoffsOver(secrets.seal);
  const websites = new WebsiteCache(storage.db);

  healthRoutes(app, { storage });
  cookieRoutes(app);
  const ingestor = trackingRoutes(app, { config, storage, websites, handoffs });
  // Each domain's routes in the admin area whose scope manages them (docs/api.md, "Scopes").
  const feed = createInteractionFeed();
  // Accounts: sign-in, the account pages, and (in the admin API) sessions, administration and the audit log.
  const accounts = accountRoutes(app, { config, storage, secrets });
  adminApi(app, accounts.access, (admin) => {
    accounts.mountAdmin(admin);
    adminArea(admin, 'tracking', (tracking) => {
      websiteRoutes(tracking, { db: storage.db, cache: websites, publicUrl: config.publicUrl });
      reportRoutes(tracking, { db: storage.db, reads: storage.reads });
      overviewRoutes(tracking, { db: storage.db, reads: storage.reads });
      formRoutes(tracking, { db: storage.db });
      historyRoutes(tracking, { db: storage.db, feed });
      privacyRoutes(tracking, { storage });
      privacyDefaultsRoutes(tracking, { config });
    });
    adminArea(admin, 'contacts', (contacts) => {
      contactRoutes(contacts, {
        db: storage.db,
        reads: storage.reads,
        fieldUsers: formsUsingContactField,
      });
      interactionRoutes(contacts, { db: storage.db, feed });
      contactChannelRoutes(contacts, { db: storage.db });
      contactImportJobRoutes(contacts, { db: storage.db, lists: importListHooks });
      // Lead scoring: models are marketers' work; scores are about contacts.
      scoringRoutes(contacts, { db: storage.db, feed });
      contacts.register(import('./contacts/import-routes.ts'), { storage, lists: importListHooks });
    });
    adminArea(admin, 'email', (email) => {
      listRoutes(email, { db: storage.db });
      messageRoutes(email, { db: storage.db, unknownOffers });
      offerRoutes(email, { db: storage.db });
      sendRoutes(email, { db: storage.db });
      suppressionRoutes(email, { db: storage.db, config, outcomeSources: outcomeSourcesOf });
      insightsRoutes(email, { db: storage.db });
      smtpStatusRoutes(email, { db: storage.db, config });
      eventRoutes(email, {
        db: storage.db,
        publicUrl: config.publicUrl,
        waitlistOfferHours: config.eventWaitlistOfferHours,
      });
      checkInRoutes(email, { db: storage.db, secrets });
      eventInsightsRoutes(email, { db: storage.db });
    });
    // Reports kept whole hold other people's mail as received: administrators only (decision 032).
    adminArea(admin, 'administration', (administration) => {
      bounceReportRoutes(administration, { db: storage.db });
      // Webhooks send contacts' interactions to URLs they choose: administrators only (decision 037).
      outgoingWebhookRoutes(administration, { db: storage.db, config: config.webhooks });
    });
  });
  publicFormRoutes(app, { config, storage, websites, handoffs });

  // Email: the engagement endpoints (sending is a job: src/workers.ts).
  const engagement = engagementRoutes(app, { storage, config, secrets });
  subscriptionCenterRoutes(app, { storage, config, secrets, engagement });
  offerPublicRoutes(app, { storage, config, secrets });
  // Forward to a friend: the form, and the friends' copies' pixel and links (beside the contacts').
  forwardRoutes(app, { storage, config, secrets });
  // The event website: public event pages, contacts' sign-in and portal.
  eventWebsiteRoutes(app, { storage, config, secrets });
  calendarRoutes(app, { storage, config, secrets });
  // Email providers' signed webhooks (bounces, complaints).
  webhookRoutes(app, { storage, config, secrets });
  webRoutes(app, { demoWebsiteId: options.demoWebsiteId });
  dashboardRoutes(app);

  return { app, ingestor };
}
