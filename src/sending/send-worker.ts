// The durable send job (being built).
import type { Config } from '../config.ts';
import type { InstallSecrets } from '../secrets/install-secrets.ts';
import type { Storage } from '../storage/database.ts';

export interface SendWorkerDeps {
  storage: Storage;
  config: Config;
  secrets: InstallSecrets;
}

/** Starts this node's send worker; the returned function stops it after the current step. */
export function startSendWorker(_deps: SendWorkerDeps): () => Promise<void> {
  return async () => {};
}
