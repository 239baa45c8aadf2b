// This node's background work: one job runner with every domain's job kinds. The server (main) starts
// it; the HTTP app never does, and a test starts it only when it needs it. A new kind is one line here.
import type { Config } from './config.ts';
import { forwardCopyJobKind } from './email/forwards/copy-job.ts';
import { leaseMsFor, sendJobKind } from './email/sends/send-job.ts';
import { confirmationMailJobKind, expiredSignupsJobKind } from './email/subscription-center/signup-jobs.ts';
import { eventCalendarJobKind, registrationMailJobKind } from './events/calendar/mail.ts';
import { expiredSignInsJobKind, signInMailJobKind } from './events/sign-in-jobs.ts';
import { waitlistExpiryJobKind, waitlistMailJobKind } from './events/waitlist-jobs.ts';
import { submissionRetryJobKind } from './forms/retry-submissions.ts';
import { createInteractionFeed } from './interaction-feed.ts';
import type { Logger } from './lib/logger.ts';
import { outageLog } from './lib/outage-log.ts';
import { createJobRunner, type JobRunner } from './platform/jobs/runner.ts';
import { retentionJobKind } from './privacy/retention-job.ts';
import { publishJobKind } from './scoring/publish-model.ts';
import { scoringDecayJobKind, scoringFeedJobKind } from './scoring/score-feed.ts';
import { settleVisitsJobKind } from './scoring/settle-visits.ts';
import { loadInstallSecrets } from './secrets/install-secrets.ts';
import type { Storage } from './storage/database.ts';
import { unavailableReason } from './storage/unavailable.ts';
import { partitionsJobKind } from './tracking/partitions-job.ts';
import { webhookJobKinds } from './webhooks/jobs.ts';

export interface WorkerDeps {
  storage: Storage;
  config: Config;
  log: Logger;
}

/** The runner with every kind registered, not yet started. */
export async function createWorkers({ storage, config, log }: WorkerDeps): Promise<JobRunner> {
  // While the database is away every poll fails: logged when it starts, then once per interval.
  const outages = outageLog(log);
  const runner = createJobRunner(storage, {
    pollMs: config.sendPollMs,
    leaseMs: leaseMsFor(config),
    log,
    onStop: () => outages.flush(),
    onPollError: (error) => {
      const reason = unavailableReason(error);
      if (reason) outages.note('job runner', reason, error);
      else log.error({ err: error }, `job runner: ${(error as Error).message}; retrying`);
    },
  });
  const secrets = await loadInstallSecrets(storage.db, config.tokenKeys);
  runner.register(sendJobKind({ storage, config, secrets, log }));
  runner.register(
    retentionJobKind(storage, {
      everyMs: config.retentionIntervalMinutes * 60_000,
      log,
      bounceReportDays: config.bounceReportDays,
    }),
  );
  runner.register(partitionsJobKind(storage, log));
  runner.register(submissionRetryJobKind(storage));
  runner.register(confirmationMailJobKind({ storage, config, seal: secrets.seal }));
  runner.register(expiredSignupsJobKind(storage));
  runner.register(forwardCopyJobKind({ storage, config, secrets }));
  runner.register(signInMailJobKind({ storage, config, secrets }));
  runner.register(expiredSignInsJobKind(storage));
  runner.register(waitlistMailJobKind({ storage, config, secrets }));
  runner.register(waitlistExpiryJobKind({ storage, config }));
  runner.register(registrationMailJobKind({ storage, config }));
  runner.register(eventCalendarJobKind(storage));
  // Lead scoring: scores follow the interaction feed, decay on time, and publishing recomputes as a job.
  const feed = createInteractionFeed();
  runner.register(scoringFeedJobKind(storage, feed, config.scoringIntervalMs));
  runner.register(scoringDecayJobKind(storage));
  runner.register(settleVisitsJobKind(storage));
  runner.register(publishJobKind(storage, feed));
  // Outgoing webhooks: the feed read into deliveries (the outbox), and the sender (decision 037).
  for (const kind of webhookJobKinds({ storage, config, feed, log })) runner.register(kind);
  return runner;
}

/** Creates and starts this node's runner; stop it with `runner.stop()`. */
export async function startWorkers(deps: WorkerDeps): Promise<JobRunner> {
  const runner = await createWorkers(deps);
  await runner.start();
  return runner;
}
