// Wiring only: runs Spoor (src/server.ts) and turns a configuration error into a readable message.
import { ConfigError } from './config.ts';
import { runServer } from './server.ts';

runServer().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
