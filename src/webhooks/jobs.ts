// The webhooks' two repeating jobs: the feed consumer that writes deliveries (the outbox read), and the
// sender of due deliveries. Each runs on one node at a time (the job's lease).
import type { Config } from '../config.ts';
import type { Logger } from '../lib/logger.ts';
import { feedConsumerJobKind } from '../platform/interactions/feed-consumer.ts';
import type { InteractionRegistry } from '../platform/interactions/registry.ts';
import type { JobKind } from '../platform/jobs/runner.ts';
import type { Storage } from '../storage/database.ts';
import { deliverDue } from './deliver.ts';
import { webhookFeedConsumer } from './feed-to-deliveries.ts';

export const DELIVERY_JOB = 'webhooks:deliver';

export function webhookJobKinds(deps: {
  storage: Storage;
  config: Config;
  feed: InteractionRegistry;
  log: Logger;
}): JobKind[] {
  const { storage, config, feed, log } = deps;
  return [
    feedConsumerJobKind(storage, feed, webhookFeedConsumer(), { everyMs: config.webhooks.pollMs }),
    {
      kind: DELIVERY_JOB,
      everyMs: config.webhooks.pollMs,
      concurrency: 1,
      async run(job) {
        await deliverDue({ db: storage.db, config: config.webhooks, log }, job.signal);
        return undefined;
      },
    },
  ];
}
