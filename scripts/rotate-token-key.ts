// Adds a new key for signing email tokens (open pixel, click and unsubscribe links); old keys stay so
// emails already sent keep working. Restart the nodes to sign with the new key.
import { loadConfig } from '../src/config.ts';
import { rotateStoredTokenKey } from '../src/secrets/install-secrets.ts';
import { openStorage } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';

const config = loadConfig();
if (config.tokenKeys) {
  console.error('SPOOR_TOKEN_KEYS is set: rotate by putting a new key first in that variable instead.');
  process.exit(1);
}
const storage = openStorage(config.databaseUrl);
await migrateToLatest(storage.db);
const version = await rotateStoredTokenKey(storage.db);
await storage.close();
console.log(
  `Email tokens are now signed with key version ${version}; restart the nodes to sign with it (nodes not yet restarted already accept it).`,
);
