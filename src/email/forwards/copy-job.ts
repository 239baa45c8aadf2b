// The job that sends one friend's copy (src/platform/jobs): the friend judged again (a suppression or an
// unsubscribe since the post wins), the send's message rendered with no contact, handed to SMTP through
// the settings sends use, and the copy settled — its outcome recorded and its plain address deleted in
// the same write. Temporary refusals are retried with the runner's backoff; after the last try, or a
// permanent refusal, the copy fails and its address goes too.
import type { Config } from '../../config.ts';
import { newId } from '../../lib/ids.ts';
import type { JobKind } from '../../platform/jobs/runner.ts';
import type { InstallSecrets } from '../../secrets/install-secrets.ts';
import type { Storage } from '../../storage/database.ts';
import { addToCounters } from '../counters/store.ts';
import { publicOfferUrl } from '../engagement/tracking-urls.ts';
import { type PreparedMessage, prepareMessage } from '../messages/render-email.ts';
import { senderOf } from '../sends/compose-email.ts';
import { listIdsOf, snapshotOf } from '../sends/prepare-send.ts';
import { findSend, type SendRow } from '../sends/store.ts';
import { createMailTransport, type MailTransport } from '../sends/transport.ts';
import { composeCopy } from './compose-copy.ts';
import { type CopyOutcome, FORWARD_COUNTER } from './forward-counters.ts';
import { copyTrackingUrls } from './forward-links.ts';
import { FORWARD_COPY_JOB, judgeFriend } from './record-forward.ts';
import { findCopy, settleCopy } from './store.ts';

export function forwardCopyJobKind(deps: {
  storage: Storage;
  config: Config;
  secrets: InstallSecrets;
}): JobKind {
  const { storage, config, secrets } = deps;
  const retry = { maxAttempts: config.smtpMaxAttempts, baseMs: config.smtpRetryBaseMs, maxMs: 3_600_000 };
  // Made on first use: most nodes never send a copy.
  let transport: MailTransport | undefined;
  // The few sends being forwarded now, prepared once each (parsing a template is the costly part).
  const prepared = new Map<string, PreparedMessage>();
  const preparedFor = (send: SendRow) => {
    let message = prepared.get(send.id);
    if (!message) {
      if (prepared.size >= 20) prepared.clear();
      // An offer in the copy links to its public address: the friend is not a recipient, so it claims nothing.
      message = prepareMessage(snapshotOf(send), {
        offerPage: (offerId) => publicOfferUrl(config.publicUrl, offerId),
      });
      prepared.set(send.id, message);
    }
    return message;
  };
  const settle = async (
    copyId: string,
    sendId: string,
    outcome: CopyOutcome,
    detail: string | null,
    sentAt: number | null,
  ) =>
    storage.db.transaction().execute(async (tx) => {
      if (await settleCopy(tx, copyId, { status: outcome, detail: detail?.slice(0, 500) ?? null, sentAt }))
        await addToCounters(tx, sendId, new Map([[FORWARD_COUNTER.outcome(outcome), 1]]));
    });

  return {
    kind: FORWARD_COPY_JOB,
    retry,
    concurrency: 2,
    async run(job) {
      const { copyId } = job.payload as { copyId: string };
      const copy = await findCopy(storage.db, copyId);
      // Sent already (a retry after the outcome was recorded), or erased with its forwarder.
      if (copy?.status !== 'queued' || !copy.email) return undefined;
      const send = await findSend(storage.db, copy.send_id);
      if (!send) return void (await settle(copy.id, copy.send_id, 'failed', 'the send was deleted', null));
      const now = Date.now();
      const friend = { email: copy.email, match: copy.email.toLowerCase() };
      // Judged again without the per-address limit (this copy was counted against it at the post).
      const verdict = await judgeFriend(storage.db, friend, listIdsOf(send), config.forwards, 0, now);
      if (verdict !== 'send') return void (await settle(copy.id, send.id, 'blocked', verdict, null));

      let rendered: ReturnType<PreparedMessage['renderForwardedCopy']>;
      try {
        rendered = preparedFor(send).renderForwardedCopy(
          copyTrackingUrls(config.publicUrl, secrets.seal, send.id, copy.id),
        );
      } catch (error) {
        // The template cannot render without a contact (a filter needing a value): no copy, no address kept.
        return void (await settle(copy.id, send.id, 'failed', `not sent: ${(error as Error).message}`, null));
      }
      const host = new URL(config.publicUrl).hostname;
      transport ??= createMailTransport(config.smtp);
      const result = await transport.deliver(
        composeCopy({
          to: copy.email,
          from: senderOf(send, config.emailFrom),
          replyTo: send.reply_to,
          rendered,
          messageId: `<${newId()}@${host}>`,
          bulk: { sendId: send.id, messageId: send.message_id, listId: null, host },
        }),
      );
      if (result.kind === 'accepted') return void (await settle(copy.id, send.id, 'sent', null, Date.now()));
      if (result.kind === 'refused_permanently' || job.attempt >= retry.maxAttempts)
        return void (await settle(copy.id, send.id, 'failed', result.response, null));
      throw new Error(`The forwarded copy was not accepted: ${result.response.slice(0, 200)}`);
    },
    async close() {
      await transport?.close();
    },
  };
}
