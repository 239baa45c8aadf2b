// Wiring only: config → storage → migrations → first-start set-up → app → listen.
import { buildApp } from './app.ts';
import { bootstrap, DEMO_PAGE_SLUG } from './bootstrap.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openStorage } from './storage/database.ts';
import { migrateToLatest } from './storage/migrate.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const storage = openStorage(config.databaseUrl);
  await migrateToLatest(storage.db);
  const { newApiKey, demoWebsiteId } = await bootstrap(storage.db, config);
  const { app, ingestor } = await buildApp({
    config,
    storage,
    logger: { level: config.logLevel },
    demoWebsiteId,
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
      : '  admin API key   created on first start (make another with "npm run api-key")',
    '',
  ];
  console.log(lines.filter((line, i) => line !== '' || i === 0 || i === lines.length - 1).join('\n'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
