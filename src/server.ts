// Starting Spoor: config → storage → migrations → first-start set-up → app → workers → listen, with a graceful
// stop on SIGTERM/SIGINT. src/main.ts runs it.
import type { Server } from 'node:http';
import { sql } from 'kysely';
import { buildApp } from './app.ts';
import { bootstrap } from './bootstrap.ts';
import { loadConfig } from './config.ts';
import { DEMO_PAGE_SLUG } from './demo/routes.ts';
import { startBounceReceiver } from './email/bounces/receiver.ts';
import { envelopeAlignmentWarnings } from './email/sends/domain-alignment.ts';
import { jsonLogLine } from './lib/logger.ts';
import { listenForMetrics } from './metrics/routes.ts';
import { loadInstallSecrets } from './secrets/install-secrets.ts';
import { databaseFailure, listenFailure } from './start-up-failure.ts';
import { openStorage, type Storage } from './storage/database.ts';
import { migrateToLatest } from './storage/migrate.ts';
import { startWorkers } from './workers.ts';

export async function runServer(): Promise<void> {
  const config = loadConfig();
  const storage = await openDatabase(config.databaseUrl, config.sqliteMaxSizeMb);
  const { newApiKey, firstAdministratorLink, demoWebsiteId } = await bootstrap(storage.db, config);
  const { app, ingestor } = await buildApp({
    config,
    storage,
    logger: { level: config.logLevel },
    demoWebsiteId,
  });
  // Background jobs (sending, retention, submission retries) start here, never in an app a test builds;
  // after the app only so that they log through its logger.
  const workers = await startWorkers({ storage, config, log: app.log });
  // The SMTP receiver for delivery reports, when a return-path domain is set (src/email/bounces).
  // An envelope sender SPF cannot align for DMARC works, but is worth saying at every start.
  for (const warning of envelopeAlignmentWarnings(config)) app.log.warn(warning);
  const secrets = await loadInstallSecrets(storage.db, config.tokenKeys);
  const bounceReceiver = await startBounceReceiver({
    storage,
    secrets,
    bounces: config.bounces,
    engagement: { maxBatch: config.maxBatchSize, trackingDefault: config.emailTrackingDefault },
    log: app.log,
  }).catch((error: unknown) => {
    throw listenFailure('SPOOR_BOUNCE_SMTP_PORT', config.bounces.smtpHost, config.bounces.smtpPort, error);
  });
  let metricsListener: Server | null = null;

  const shutdown = async (signal: string) => {
    app.log.info(`${signal}: finishing in-flight events, then stopping`);
    metricsListener?.close();
    // Keep-alive connections can hold app.close() open for the keep-alive timeout (72 s); what must
    // finish is the event writer, so after a grace period drain it and go.
    const grace = new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref());
    // In-flight sends finish their step (the job runner's stop) within the same grace.
    await Promise.race([Promise.all([app.close(), workers.stop(), bounceReceiver?.close()]), grace]);
    await ingestor.close();
    await storage.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ host: config.host, port: config.port }).catch((error: unknown) => {
    throw listenFailure('PORT', config.host, config.port, error);
  });
  if (config.metricsPort !== undefined) {
    const port = config.metricsPort;
    metricsListener = await listenForMetrics(config).catch((error: unknown) => {
      throw listenFailure('SPOOR_METRICS_PORT', config.metricsHost, port, error);
    });
  }

  const base = config.publicUrl;
  const start = {
    database: storage.engine === 'sqlite' ? `SQLite (${config.databaseUrl.slice(7)})` : 'PostgreSQL',
    trackingHost: base,
    ...(demoWebsiteId ? { demoPage: `${base}/demo/`, demoSignup: `${base}/p/${DEMO_PAGE_SLUG}` } : {}),
    apiDocs: `${base}/docs`,
    cookieList: `${base}/cookies.json`,
    ...(config.metricsPort !== undefined
      ? { metrics: `http://${config.metricsHost}:${config.metricsPort}/metrics` }
      : config.metricsToken
        ? { metrics: `${base}/metrics` }
        : {}),
    ...(newApiKey ? { adminApiKey: newApiKey } : {}),
    ...(firstAdministratorLink ? { firstAdministrator: firstAdministratorLink } : {}),
  };
  // A person at a terminal gets the banner that says where everything is; a supervisor's log (systemd,
  // Docker, a file) gets the same facts as one JSON line like every other. Written whatever the log
  // level: a new admin API key is shown only here, once.
  process.stdout.write(
    process.stdout.isTTY
      ? startBanner(start)
      : jsonLogLine('info', `Spoor is running on ${start.database}`, {
          ...start,
          ...(newApiKey ? { adminApiKeyNote: 'shown once; send as "Authorization: Bearer <key>"' } : {}),
          ...(firstAdministratorLink
            ? { firstAdministratorNote: 'open it to create the first administrator (single use, 24 hours)' }
            : {}),
        }),
  );
}

/** The database, opened and migrated; a database that cannot be used is one clear start-up failure. */
async function openDatabase(databaseUrl: string, sqliteMaxSizeMb: number): Promise<Storage> {
  let storage: Storage | undefined;
  try {
    storage = openStorage(databaseUrl, { sqliteMaxSizeMb });
    await sql`select 1`.execute(storage.db);
    await migrateToLatest(storage.db);
    return storage;
  } catch (error) {
    await storage?.close().catch(() => {});
    throw databaseFailure(databaseUrl, error);
  }
}

interface StartFacts {
  database: string;
  trackingHost: string;
  demoPage?: string;
  demoSignup?: string;
  apiDocs: string;
  cookieList: string;
  metrics?: string;
  adminApiKey?: string;
  firstAdministrator?: string;
}

/** The human start banner (a terminal). */
export function startBanner(facts: StartFacts): string {
  const lines = [
    `Spoor is running on ${facts.database}.`,
    `  tracking host   ${facts.trackingHost}`,
    ...(facts.demoPage ? [`  demo page       ${facts.demoPage}`] : []),
    ...(facts.demoSignup ? [`  demo sign-up    ${facts.demoSignup}`] : []),
    `  API docs        ${facts.apiDocs}`,
    `  cookie list     ${facts.cookieList}`,
    ...(facts.metrics ? [`  metrics         ${facts.metrics}`] : []),
    facts.adminApiKey
      ? `  admin API key   ${facts.adminApiKey}   (shown once; send as "Authorization: Bearer <key>")`
      : '  admin API key   created on first start (make another with "npx spoor api-keys create")',
    ...(facts.firstAdministrator
      ? [
          `  first admin     ${facts.firstAdministrator}   (open it to create the first dashboard user; single use, 24 hours)`,
        ]
      : []),
  ];
  return `\n${lines.join('\n')}\n\n`;
}
