// The SMTP receiver for the return-path domain (SPOOR_BOUNCE_DOMAIN): the domain's MX, or the relay's
// transport for it, points here. It takes mail only for that domain, no larger than SPOOR_BOUNCE_MAX_BYTES,
// and answers 250 only once what the mail means is recorded (or kept); 451 when it cannot be yet, so the
// sending MTA tries again. Two kinds of address: return paths and the rest take reports (take-report.ts);
// List-Unsubscribe addresses (u+…) take unsubscribe requests (unsubscribe-mail.ts), and one that was not
// made by Spoor is refused at RCPT. STARTTLS is offered when SPOOR_BOUNCE_TLS_CERT/_KEY are set.
// Started by the server (src/server.ts) beside the workers, never by a test's app.
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { BounceConfig } from '../../config.ts';
import type { Logger } from '../../lib/logger.ts';
import type { InstallSecrets } from '../../secrets/install-secrets.ts';
import type { Storage } from '../../storage/database.ts';
import { createEngagementWriter } from '../engagement/engagement-writer.ts';
import { type ReportDeps, takeReport } from './take-report.ts';
import { readUnsubscribeAddress } from './unsubscribe-address.ts';
import { takeUnsubscribeMail, type UnsubscribeMailDeps } from './unsubscribe-mail.ts';

export interface BounceReceiver {
  port: number;
  close(): Promise<void>;
}

export interface BounceReceiverDeps {
  storage: Storage;
  secrets: Pick<InstallSecrets, 'seal' | 'hash'>;
  bounces: BounceConfig;
  /** The engagement writer's settings (SPOOR_MAX_BATCH, SPOOR_EMAIL_TRACKING_DEFAULT), for unsubscribes. */
  engagement: { maxBatch: number; trackingDefault: boolean };
  log: Logger;
}

const MAX_RECIPIENTS = 20;

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

async function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startBounceReceiver(deps: BounceReceiverDeps): Promise<BounceReceiver | null> {
  const domain = deps.bounces.domain;
  if (!domain) return null;
  const { seal } = deps.secrets;
  const { log } = deps;
  // Unsubscribes go through the engagement hot path, as the one-click link's do (shares the writer thread).
  const writer = createEngagementWriter(deps.storage, deps.engagement);
  const reportDeps: ReportDeps = { db: deps.storage.db, seal, bounces: { ...deps.bounces, domain } };
  const unsubscribeDeps: UnsubscribeMailDeps = {
    ...reportDeps,
    hash: deps.secrets.hash,
    record: writer.record,
  };
  const isUnsubscribeAddress = (address: string) => /^u\+/i.test(address);
  const tls = deps.bounces.tls;
  const server = new SMTPServer({
    name: domain,
    banner: 'Spoor bounce receiver',
    authOptional: true,
    disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    size: deps.bounces.maxBytes,
    maxClients: 50,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    logger: false,
    onRcptTo(address, session, callback) {
      const to = address.address;
      const shown = to.slice(0, 100);
      const at = to.lastIndexOf('@');
      if (at < 0 || to.slice(at + 1).toLowerCase() !== domain)
        return callback(smtpError(550, `5.7.1 <${shown}>: this server takes mail for ${domain} only`));
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS)
        return callback(smtpError(452, '4.5.3 Too many recipients'));
      const unsubscribe = isUnsubscribeAddress(to);
      // A message is either reports or unsubscribe requests: the sender's MTA delivers the rest apart.
      const first = session.envelope.rcptTo[0];
      if (first && isUnsubscribeAddress(first.address) !== unsubscribe)
        return callback(smtpError(452, `4.5.3 <${shown}>: send this recipient in a message of its own`));
      if (unsubscribe) {
        const named = readUnsubscribeAddress(seal, domain, to);
        if (!named.ok && named.error === 'forged') {
          if (named.why === 'unknown-key')
            // Another node rotated the seal key; this one is re-reading the keys.
            return callback(smtpError(451, `4.7.0 <${shown}>: try again in a few seconds`));
          return callback(
            smtpError(
              550,
              named.why === 'retired-key'
                ? `5.1.1 <${shown}>: this unsubscribe address has expired (its key was retired); use the unsubscribe link in the email, nothing was changed`
                : `5.1.1 <${shown}>: not an unsubscribe address Spoor made (altered or forged); nothing was changed`,
            ),
          );
        }
      }
      callback();
    },
    onData(stream, session, callback) {
      readAll(stream)
        .then(async (raw) => {
          if (stream.sizeExceeded)
            return callback(
              smtpError(552, `5.3.4 Message too big: reports are taken up to ${deps.bounces.maxBytes} bytes`),
            );
          const envelope = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          };
          if (envelope.to.some(isUnsubscribeAddress)) {
            const result = await takeUnsubscribeMail(unsubscribeDeps, raw, {
              ...envelope,
              remoteAddress: session.remoteAddress,
            });
            // No address in the log: the sender is the person.
            log.info(
              { answer: result.answer, bytes: raw.length },
              `bounce receiver: unsubscribe mail: ${result.reason}`,
            );
            if (result.answer === 'retry') return callback(smtpError(451, `4.3.0 ${result.reason}`));
            if (result.answer === 'refuse') return callback(smtpError(550, `5.1.1 ${result.reason}`));
            return callback(null, `2.0.0 ${result.reason}`);
          }
          const result = await takeReport(reportDeps, raw, envelope);
          if (result.answer === 'retry') return callback(smtpError(451, `4.3.0 ${result.reason}`));
          log.info(
            { verdict: result.verdict, reason: result.reason, bytes: raw.length },
            `bounce receiver: ${result.verdict}: ${result.reason}`,
          );
          callback(null, `2.0.0 ${result.verdict}`);
        })
        .catch((error: unknown) => {
          log.error(
            { err: error },
            `bounce receiver: could not record a report: ${(error as Error).message}`,
          );
          callback(smtpError(451, '4.3.0 The report could not be recorded now; try again later'));
        });
    },
  });
  server.on('error', (error) => log.error({ err: error }, `bounce receiver: ${error.message}`));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(deps.bounces.smtpPort, deps.bounces.smtpHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await writer.close();
    throw error;
  }
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : deps.bounces.smtpPort;
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await writer.close();
    },
  };
}
