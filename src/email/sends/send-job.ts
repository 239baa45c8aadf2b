// Sending as a job kind: one job per send under way (enqueued when the send is created or resumed), run
// by the job runner on whichever node takes it. The send keeps its own lease too, checked by every
// write of preparing and delivering, and moves queued → preparing → sending → done. A node that dies
// loses both leases; the node that takes the job next first marks what the dead one had handed to
// SMTP as 'unconfirmed' (never sent twice) and goes on.
import type { Config } from '../../config.ts';
import type { Logger } from '../../lib/logger.ts';
import { outageLog } from '../../lib/outage-log.ts';
import type { JobKind, RunningJob } from '../../platform/jobs/runner.ts';
import { smtpUnreached } from '../../platform/metrics/metrics.ts';
import type { InstallSecrets } from '../../secrets/install-secrets.ts';
import type { Storage } from '../../storage/database.ts';
import { unavailableReason } from '../../storage/unavailable.ts';
import { COUNTER } from '../counters/counter-names.ts';
import { addToCounters } from '../counters/store.ts';
import { type DeliveryContext, deliverSend } from './deliver-send.ts';
import { LeaseLost, prepareSend } from './prepare-send.ts';
import {
  ACTIVE_STATUSES,
  acquireSend,
  advanceStatus,
  findSend,
  markInterrupted,
  releaseLease,
  renewLease,
  SEND_JOB,
  type SendRow,
} from './store.ts';
import { createMailTransport } from './transport.ts';

export interface SendJobDeps {
  storage: Storage;
  config: Config;
  secrets: InstallSecrets;
  log: Logger;
}

/**
 * How long a lease holds without renewal: how soon another node continues after one dies. Ten poll
 * intervals (at least 5 s); renewed every third of it, so only a dead or frozen node loses it.
 */
export function leaseMsFor(config: Config): number {
  return Math.max(5_000, config.sendPollMs * 10);
}

/** The send job kind: one send at a time per node, sharing the node's SMTP pool. */
export function sendJobKind(deps: SendJobDeps): JobKind {
  const { storage, config, log } = deps;
  const leaseMs = leaseMsFor(config);
  const transport = createMailTransport(config.smtp);
  // While the database is away every try fails: logged when it starts, then once per interval.
  const outages = outageLog(log);
  const logFailure = (what: string, error: unknown, then: string) => {
    const reason = unavailableReason(error);
    if (reason) outages.note(what, reason, error);
    else log.error({ err: error }, `${what}: ${(error as Error).message}; ${then}`);
  };
  const unreached = { failures: 0, pausedUntil: 0 };
  const forgetUnreached = smtpUnreached.add(() => unreached.failures);

  async function run(job: RunningJob): Promise<{ runAt: number } | undefined> {
    let notBefore: number;
    try {
      notBefore = await workOn(job);
    } catch (error) {
      logFailure(`send ${job.key}`, error, 'another pass retries');
      return { runAt: Date.now() + config.sendPollMs };
    }
    const send = await findSend(storage.db, job.key);
    const active = send !== undefined && ACTIVE_STATUSES.includes(send.status);
    // Nothing to send now: end the open SMTP sessions properly instead of leaving them to time out.
    if (!active || notBefore > Date.now()) await transport.quitIdle().catch(() => {});
    return active ? { runAt: notBefore } : undefined;
  }

  /** Takes the send's lease and works on it as far as it goes now; returns when to look at it again. */
  async function workOn(job: RunningJob): Promise<number> {
    const { owner } = job;
    const send = await acquireSend(storage.db, owner, Date.now(), leaseMs, job.key);
    if (!send) {
      // Another holder's lease (a node that died moments ago) or a retry not yet due: after it.
      const row = await findSend(storage.db, job.key);
      return Math.max(row?.lease_until ?? 0, Date.now() + config.sendPollMs);
    }
    let lost = false;
    const renewal = setInterval(() => {
      renewLease(storage.db, send.id, owner, Date.now() + leaseMs).then(
        (held) => {
          if (!held) lost = true;
        },
        () => {},
      );
    }, leaseMs / 3);
    let notBefore = Date.now();
    const shouldStop = () => job.signal.aborted || lost;
    try {
      notBefore = await advance(send, owner, shouldStop);
    } catch (error) {
      if (!(error instanceof LeaseLost)) {
        logFailure(`send ${send.id}`, error, 'another pass retries');
        notBefore = Date.now() + config.sendPollMs;
      }
    } finally {
      clearInterval(renewal);
      await releaseLease(storage.db, send.id, owner, notBefore).catch(() => {});
    }
    return notBefore;
  }

  /** Works on the send as far as it goes now; returns when it may be looked at again. */
  async function advance(send: SendRow, owner: string, shouldStop: () => boolean): Promise<number> {
    let status = send.status;
    if (status === 'sending') await takeOver(send);
    if (status === 'queued') {
      if (!(await advanceStatus(storage.db, send.id, owner, 'queued', 'preparing', Date.now())))
        return Date.now();
      status = 'preparing';
    }
    if (status === 'preparing') {
      if (!(await prepareSend(storage, send, owner, shouldStop))) return Date.now();
      status = 'sending';
    }
    if (status !== 'sending' || shouldStop()) return Date.now();
    const context: DeliveryContext = { ...deps, transport, owner, shouldStop, unreached };
    const result = await deliverSend(context, send);
    return result.done ? Date.now() : result.notBefore;
  }

  /** Whatever an earlier holder left 'sending' may have been delivered: unconfirmed, never resent. */
  async function takeOver(send: SendRow): Promise<void> {
    await storage.db.transaction().execute(async (trx) => {
      const interrupted = await markInterrupted(trx, send.id);
      await addToCounters(
        trx,
        send.id,
        new Map([
          [COUNTER.sent, interrupted],
          [COUNTER.unconfirmed, interrupted],
        ]),
      );
    });
  }

  return {
    kind: SEND_JOB,
    run,
    // The node's SMTP pool and its unreachable-server pause are shared: one send at a time per node.
    concurrency: 1,
    // The send handles its own failures (retries per recipient, pauses); a try that fails outright
    // (the database away) is simply tried again.
    retry: { maxAttempts: Number.POSITIVE_INFINITY, baseMs: config.sendPollMs, maxMs: leaseMs },
    async close() {
      forgetUnreached();
      outages.flush();
      await transport.close();
    },
  };
}
