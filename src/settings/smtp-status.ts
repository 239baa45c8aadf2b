// Whether this node can reach the SMTP server now (a connection, TLS and login check: no mail is sent), and
// the latest failure the send worker recorded. Shown on the dashboard's Settings and by `spoor doctor`.
import nodemailer from 'nodemailer';
import type { Config, SmtpConfig } from '../config.ts';
import { latestSendError } from '../email/sends/store.ts';
import { smtpConnectionOptions } from '../email/sends/transport.ts';
import type { Db } from '../storage/schema.ts';

export interface SmtpCheck {
  reachable: boolean;
  /** What the server said, or why it could not be reached. */
  message: string;
}

/** Connects, says EHLO, starts TLS and logs in as sending would, then quits. */
export async function checkSmtpConnection(smtp: SmtpConfig, timeoutMs: number): Promise<SmtpCheck> {
  const where = `${smtp.host}:${smtp.port}`;
  const transport = nodemailer.createTransport({
    ...smtpConnectionOptions(smtp),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await transport.verify();
    return {
      reachable: true,
      message: `${where} answers${smtp.user ? ` and accepts the login of ${smtp.user}` : ' (no login configured)'}`,
    };
  } catch (error) {
    return { reachable: false, message: `${where}: ${(error as Error).message}` };
  } finally {
    transport.close();
  }
}

export interface SmtpStatus {
  server: {
    host: string;
    port: number;
    security: 'tls' | 'starttls-required' | 'starttls-when-offered';
    login: string | null;
    dkimDomain: string | null;
  };
  from: string;
  check: SmtpCheck & { checkedAt: string };
  lastSendError: { sendId: string; message: string; at: string } | null;
}

/** How long the dashboard's check waits for the server: a person is looking at the page. */
const CHECK_TIMEOUT_MS = 5_000;

export async function smtpStatus(db: Db, config: Config): Promise<SmtpStatus> {
  const { smtp } = config;
  const [check, lastError] = await Promise.all([
    checkSmtpConnection(smtp, CHECK_TIMEOUT_MS),
    latestSendError(db),
  ]);
  return {
    server: {
      host: smtp.host,
      port: smtp.port,
      security: smtp.secure ? 'tls' : smtp.requireTls ? 'starttls-required' : 'starttls-when-offered',
      login: smtp.user ?? null,
      dkimDomain: smtp.dkim?.domainName ?? null,
    },
    from: config.emailFrom,
    check: { ...check, checkedAt: new Date().toISOString() },
    lastSendError:
      lastError?.last_error && lastError.last_error_at !== null
        ? {
            sendId: lastError.id,
            message: lastError.last_error,
            at: new Date(Number(lastError.last_error_at)).toISOString(),
          }
        : null,
  };
}
