// Takes one message Amazon SNS posts for SES: refuses, recording nothing, anything whose topic is not
// configured, whose Timestamp is stale, whose certificate is not served by SNS itself or whose
// signature does not hold (versions 1 and 2); then confirms a subscription (only to an SNS host, only
// for a configured topic), ignores an unsubscribe confirmation, and records a notification's bounces
// and complaints.
import type { X509Certificate } from 'node:crypto';
import { AppError } from '../../lib/errors.ts';
import { recordWebhookEvents, type WebhookDeps, type WebhookTally } from './record-webhook-events.ts';
import { readSesNotification } from './ses-events.ts';
import {
  type CertificateSource,
  checkSnsSignature,
  type FetchTrust,
  fetchHttps,
} from './sns-certificates.ts';
import {
  certificateUrl,
  readSnsMessage,
  type SnsTrust,
  subscribeUrl,
  timestampProblem,
} from './sns-message.ts';

export interface SnsDeps extends WebhookDeps {
  certificates: CertificateSource;
  trust: SnsTrust & FetchTrust;
}

export type SnsResult = WebhookTally & { subscription: 'confirmed' | 'unsubscribed' | null };

const refuse = (reason: string) => new AppError('forbidden', `Not a genuine SNS message: ${reason}.`);

/** A fetch that failed: an answer from the host means it is not SNS's; no answer means try later. */
function fetchFailed(what: string, error: Error): AppError {
  return /answered \d{3}|more than \d+ bytes|private address/.test(error.message)
    ? refuse(`${what}: ${error.message}`)
    : new AppError('unavailable', `${what} (${error.message}); SNS will retry.`);
}

export async function takeSnsMessage(deps: SnsDeps, body: string, now = Date.now()): Promise<SnsResult> {
  const read = readSnsMessage(body);
  if (!read.ok) throw new AppError('bad_request', `Not an SNS message: ${read.reason}.`);
  const message = read.message;
  const topics = deps.config.espWebhooks.sesTopicArns;
  if (!topics.includes(message.topicArn))
    throw new AppError(
      'forbidden',
      `The topic ${message.topicArn.slice(0, 300)} is not one SPOOR_SES_TOPIC_ARNS names; nothing was confirmed or recorded.`,
    );
  const stale = timestampProblem(message.timestamp, now);
  if (stale) throw refuse(stale);
  const certUrl = certificateUrl(message.signingCertUrl, deps.trust);
  if (!certUrl)
    throw refuse('SigningCertURL is not a .pem file on an SNS host over https (sns.<region>.amazonaws.com)');
  let certificate: X509Certificate;
  try {
    certificate = await deps.certificates.certificate(certUrl);
  } catch (error) {
    throw fetchFailed('the signing certificate could not be fetched', error as Error);
  }
  const signed = checkSnsSignature(message, certificate, now);
  if (!signed.ok) throw refuse(signed.reason);

  const none = { recorded: 0, duplicates: 0, unmatched: 0, ignored: 0 };
  switch (message.type) {
    case 'SubscriptionConfirmation': {
      const url = subscribeUrl(message, deps.trust);
      if (!url)
        throw new AppError(
          'forbidden',
          'The SubscribeURL is not an SNS ConfirmSubscription link for this topic; the subscription was not confirmed.',
        );
      try {
        await fetchHttps(url, deps.trust, 65_536);
      } catch (error) {
        throw fetchFailed('SNS did not take the confirmation', error as Error);
      }
      return { ...none, subscription: 'confirmed' };
    }
    case 'UnsubscribeConfirmation':
      return { ...none, ignored: 1, subscription: 'unsubscribed' };
    case 'Notification': {
      const events = readSesNotification(message.message);
      const tally = await recordWebhookEvents(deps, 'ses', events, () => message.message);
      return { ...tally, subscription: null };
    }
  }
}
