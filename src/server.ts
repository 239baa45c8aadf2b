// Starting Spoor: config → storage → migrations → first-start set-up → app → listen, with a graceful
// stop on SIGTERM/SIGINT. src/main.ts runs it as is; the bench's ceiling server (bench/ceiling-server.ts)
// runs it with other event stores, so that both start exactly alike.
import { type AppOptions, buildApp } from './app.ts';
import { bootstrap, DEMO_PAGE_SLUG } from './bootstrap.ts';
import { loadConfig } from './config.ts';
import { openStorage } from './storage/database.ts';
import { migrateToLatest } from './storage/migrate.ts';

export type StoreOverrides = Pick<AppOptions, 'ingestor' | 'engagementWriter'>;

export async function runServer(overrides: StoreOverrides = {}): Promise<void> {
  const config = loadConfig();
  const storage = openStorage(config.databaseUrl, { sqliteMaxSizeMb: config.sqliteMaxSizeMb });
  await migrateToLatest(storage.db);
  const { newApiKey, demoWebsiteId } = await bootstrap(storage.db, config);
  const { app, ingestor } = await buildApp({
    config,
    storage,
    logger: { level: config.logLevel },
    demoWebsiteId,
    ...overrides,
  });

  const shutdown = async (signal: string) => {
    app.log.info(`${signal}: finishing in-flight events, then stopping`);
    // Keep-alive connections can hold app.close() open for the keep-alive timeout (72 s); what must
    // finish is the event writer, so after a grace period drain it and go.
    const grace = new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref());
    await Promise.race([app.close(), grace]);
    await ingestor.close();
    await storage.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ host: config.host, port: config.port });
  const base = config.publicUrl;
  const lines = [
    '',
    `Spoor is running on ${storage.engine === 'sqlite' ? `SQLite (${config.databaseUrl.slice(7)})` : 'PostgreSQL'}.`,
    `  tracking host   ${base}`,
    demoWebsiteId ? `  demo page       ${base}/demo/` : '',
    demoWebsiteId ? `  demo sign-up    ${base}/p/${DEMO_PAGE_SLUG}` : '',
    `  API docs        ${base}/docs`,
    `  cookie list     ${base}/cookies.json`,
    newApiKey
      ? `  admin API key   ${newApiKey}   (shown once; send as "Authorization: Bearer <key>")`
      : '  admin API key   created on first start (make another with "npx spoor api-keys create")',
    '',
  ];
  console.log(lines.filter((line, i) => line !== '' || i === 0 || i === lines.length - 1).join('\n'));
}
