// Mints an admin API key against the configured database and prints it once.
import { createApiKey } from '../src/access/api-keys.ts';
import { loadConfig } from '../src/config.ts';
import { openStorage } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';

const config = loadConfig();
const storage = openStorage(config.databaseUrl);
await migrateToLatest(storage.db);
const key = await createApiKey(storage.db, process.argv[2] ?? 'admin (npm run api-key)');
await storage.close();
console.log(key);
