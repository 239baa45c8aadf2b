// The durable send job, on every node: it polls for a send under way, takes it with a lease (so two
// nodes never work on the same send), renews the lease while working, and moves the send through
// queued → preparing → sending → done. A node that dies loses its lease when it runs out; the next
// node first marks what the dead one had handed to SMTP as 'unconfirmed' (never sent twice) and goes on.
import type { Config } from '../../config.ts';
import { newId } from '../../lib/ids.ts';
import type { Logger } from '../../lib/logger.ts';
import { outageLog } from '../../lib/outage-log.ts';
import { smtpUnreached } from '../../metrics/metrics.ts';
import type { InstallSecrets } from '../../secrets/install-secrets.ts';
import type { Storage } from '../../storage/database.ts';
import { unavailableReason } from '../../storage/unavailable.ts';
import { COUNTER } from '../counters/counter-names.ts';
import { addToCounters } from '../counters/store.ts';
import { type DeliveryContext, deliverSend } from './deliver-send.ts';
import { LeaseLost, prepareSend } from './prepare-send.ts';
import {
  acquireSend,
  advanceStatus,
  markInterrupted,
  releaseLease,
  renewLease,
  type SendRow,
} from './store.ts';
import { createMailTransport } from './transport.ts';

export interface SendWorkerDeps {
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

/** Starts this node's send worker; the returned function stops it after the current step. */
export function startSendWorker(deps: SendWorkerDeps): () => Promise<void> {
  const { storage, config, log } = deps;
  const owner = newId();
  const leaseMs = leaseMsFor(config);
  const transport = createMailTransport(config.smtp);
  // While the database is away every poll fails: logged when it starts, then once per interval.
  const outages = outageLog(log);
  const logFailure = (what: string, error: unknown, then: string) => {
    const reason = unavailableReason(error);
    if (reason) outages.note(what, reason, error);
    else log.error({ err: error }, `${what}: ${(error as Error).message}; ${then}`);
  };
  let stopping = false;
  let sleeper: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  const context: DeliveryContext = {
    ...deps,
    transport,
    owner,
    shouldStop: () => stopping,
    unreached: { failures: 0, pausedUntil: 0 },
  };
  const forgetUnreached = smtpUnreached.add(() => context.unreached.failures);

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      sleeper = { timer: setTimeout(resolve, ms), resolve };
    });

  async function workOnce(): Promise<boolean> {
    const send = await acquireSend(storage.db, owner, Date.now(), leaseMs);
    if (!send) return false;
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
    try {
      notBefore = await advance(send, () => stopping || lost);
    } catch (error) {
      if (!(error instanceof LeaseLost)) {
        logFailure(`send ${send.id}`, error, 'another pass retries');
        notBefore = Date.now() + config.sendPollMs;
      }
    } finally {
      clearInterval(renewal);
      await releaseLease(storage.db, send.id, owner, notBefore).catch(() => {});
    }
    return true;
  }

  /** Works on the send as far as it goes now; returns when it may be looked at again. */
  async function advance(send: SendRow, shouldStop: () => boolean): Promise<number> {
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
    const result = await deliverSend({ ...context, shouldStop }, send);
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

  const running = (async () => {
    while (!stopping) {
      let worked = false;
      try {
        worked = await workOnce();
      } catch (error) {
        logFailure('send worker', error, 'retrying');
      }
      if (!worked && !stopping) {
        // Nothing to send now: end the open SMTP sessions properly instead of leaving them to time out.
        await transport.quitIdle().catch(() => {});
        if (!stopping) await sleep(config.sendPollMs);
      }
    }
  })();

  return async () => {
    stopping = true;
    if (sleeper) {
      clearTimeout(sleeper.timer);
      sleeper.resolve();
    }
    await running;
    forgetUnreached();
    outages.flush();
    await transport.close();
  };
}
