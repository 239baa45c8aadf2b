// The SMTP receiver for the return-path domain (SPOOR_BOUNCE_DOMAIN): the domain's MX, or the relay's
// transport for it, points here. It takes mail only for that domain, no larger than SPOOR_BOUNCE_MAX_BYTES,
// and answers 250 only once the report is recorded (or kept); 451 when it cannot be yet, so the sending
// MTA tries again. Started by the server (src/server.ts) beside the workers, never by a test's app.
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { BounceConfig } from '../../config.ts';
import type { Logger } from '../../lib/logger.ts';
import { type ReportDeps, takeReport } from './take-report.ts';

export interface BounceReceiver {
  port: number;
  close(): Promise<void>;
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

export async function startBounceReceiver(
  deps: Omit<ReportDeps, 'bounces'> & { bounces: BounceConfig; log: Logger },
): Promise<BounceReceiver | null> {
  const domain = deps.bounces.domain;
  if (!domain) return null;
  const reportDeps: ReportDeps = { db: deps.db, seal: deps.seal, bounces: { ...deps.bounces, domain } };
  const { log } = deps;
  const server = new SMTPServer({
    name: domain,
    banner: 'Spoor bounce receiver',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: deps.bounces.maxBytes,
    maxClients: 50,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    logger: false,
    onRcptTo(address, session, callback) {
      const at = address.address.lastIndexOf('@');
      if (at < 0 || address.address.slice(at + 1).toLowerCase() !== domain)
        return callback(
          smtpError(
            550,
            `5.7.1 <${address.address.slice(0, 100)}>: this server takes mail for ${domain} only`,
          ),
        );
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS)
        return callback(smtpError(452, '4.5.3 Too many recipients'));
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.bounces.smtpPort, deps.bounces.smtpHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : deps.bounces.smtpPort;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
