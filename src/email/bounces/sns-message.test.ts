import { describe, expect, it } from 'vitest';
import {
  certificateUrl,
  MAX_AGE_MS,
  readSnsMessage,
  type SnsMessage,
  stringToSign,
  subscribeUrl,
  timestampProblem,
} from './sns-message.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-bounces';

describe('where an SNS signing certificate may come from (the production rule)', () => {
  it.each<[string, boolean]>([
    [
      'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
      true,
    ],
    [
      'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-01d088a6f77103d0fe307c0069e40ed6.pem',
      true,
    ],
    ['https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem', true],
    ['https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-abc.pem', true],
    ['http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem', false],
    ['https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-abc.pem', false],
    ['https://evil.example/sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem', false],
    ['https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-abc.pem', false],
    ['https://user:pw@sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem', false],
    ['https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem?x=1', false],
    ['https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem#x', false],
    ['https://sns.us-east-1.amazonaws.com/other/path/cert.pem', false],
    ['https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.txt', false],
    ['https://s3.amazonaws.com/SimpleNotificationService-abc.pem', false],
    ['https://sns.amazonaws.com/SimpleNotificationService-abc.pem', false],
    ['https://sns.us-east-1.amazonaws.co/SimpleNotificationService-abc.pem', false],
    ['https://SNS.US-EAST-1.AMAZONAWS.COM/SimpleNotificationService-abc.pem', true],
    ['https://127.0.0.1/SimpleNotificationService-abc.pem', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(certificateUrl(url) !== null).toBe(allowed);
  });
});

const confirmation = (subscribeURL: string): SnsMessage => ({
  type: 'SubscriptionConfirmation',
  messageId: 'm1',
  topicArn: TOPIC,
  subject: null,
  message: 'You have chosen to subscribe.',
  timestamp: '2026-12-06T12:00:00.000Z',
  signatureVersion: '1',
  signature: 'x',
  signingCertUrl: 'https://sns.eu-west-1.amazonaws.com/a.pem',
  token: 'tok',
  subscribeUrl: subscribeURL,
});

describe('which SubscribeURL Spoor requests', () => {
  const ok = `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=tok`;
  it.each<[string, boolean]>([
    [ok, true],
    [ok.replace('https://', 'http://'), false],
    [ok.replace('sns.eu-west-1.amazonaws.com', 'evil.example'), false],
    [ok.replace('ConfirmSubscription', 'Unsubscribe'), false],
    [ok.replace(TOPIC, `${TOPIC}-other`), false],
    [ok.replace('sns.eu-west-1.amazonaws.com', 'sns.eu-west-1.amazonaws.com:444'), false],
  ])('%s → %s', (url, requested) => {
    expect(subscribeUrl(confirmation(url)) !== null).toBe(requested);
  });
});

describe('the string SNS signs', () => {
  it('names a notification’s fields in order, Subject only when present', () => {
    const body = {
      Type: 'Notification',
      MessageId: 'id-1',
      TopicArn: TOPIC,
      Message: 'line one\nline two',
      Timestamp: '2026-12-06T12:00:00.000Z',
      SignatureVersion: '2',
      Signature: 'c2ln',
      SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/a.pem',
      UnsubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe',
    };
    const read = readSnsMessage(JSON.stringify(body));
    if (!read.ok) throw new Error(read.reason);
    expect(stringToSign(read.message)).toBe(
      `Message\nline one\nline two\nMessageId\nid-1\nTimestamp\n2026-12-06T12:00:00.000Z\nTopicArn\n${TOPIC}\nType\nNotification\n`,
    );
    const withSubject = readSnsMessage(JSON.stringify({ ...body, Subject: 'Hi' }));
    if (!withSubject.ok) throw new Error(withSubject.reason);
    expect(stringToSign(withSubject.message)).toContain('MessageId\nid-1\nSubject\nHi\nTimestamp\n');
  });

  it('names a confirmation’s SubscribeURL and Token', () => {
    expect(
      stringToSign(confirmation('https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription')),
    ).toBe(
      `Message\nYou have chosen to subscribe.\nMessageId\nm1\nSubscribeURL\nhttps://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription\nTimestamp\n2026-12-06T12:00:00.000Z\nToken\ntok\nTopicArn\n${TOPIC}\nType\nSubscriptionConfirmation\n`,
    );
  });
});

describe('reading an SNS message', () => {
  const valid = {
    Type: 'Notification',
    MessageId: 'id',
    TopicArn: TOPIC,
    Message: '{}',
    Timestamp: '2026-12-06T12:00:00.000Z',
    SignatureVersion: '1',
    Signature: 'c2ln',
    SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/a.pem',
  };
  it.each<[string, unknown, RegExp | null]>([
    ['a notification', valid, null],
    ['not JSON', 'nope', /not JSON/],
    ['an array', [valid], /JSON object/],
    ['an unknown type', { ...valid, Type: 'Other' }, /Type/],
    ['signature version 3', { ...valid, SignatureVersion: '3' }, /SignatureVersion/],
    ['a number for a version', { ...valid, SignatureVersion: 1 }, /SignatureVersion/],
    ['no signature', { ...valid, Signature: undefined }, /signature field/],
    [
      'a confirmation without a token',
      { ...valid, Type: 'SubscriptionConfirmation', SubscribeURL: 'https://x' },
      /Token/,
    ],
    ['a Subject that is not text', { ...valid, Subject: 5 }, /Subject/],
  ])('%s', (_name, body, problem) => {
    const read = readSnsMessage(typeof body === 'string' ? body : JSON.stringify(body));
    if (problem === null) expect(read.ok).toBe(true);
    else expect(read.ok ? 'accepted' : read.reason).toMatch(problem);
  });
});

describe('how old an SNS message may be', () => {
  const now = Date.parse('2026-12-06T12:00:00.000Z');
  it.each<[string, string, boolean]>([
    ['now', '2026-12-06T12:00:00.000Z', true],
    ['a retry 59 minutes later', '2026-12-06T11:01:00.000Z', true],
    ['older than SNS retries', new Date(now - MAX_AGE_MS - 1000).toISOString(), false],
    ['a day old', '2026-12-05T12:00:00.000Z', false],
    ['a minute ahead', '2026-12-06T12:01:00.000Z', true],
    ['an hour ahead', '2026-12-06T13:00:00.000Z', false],
    ['not UTC', '2026-12-06T12:00:00+01:00', false],
    ['not a time', 'yesterday', false],
  ])('%s', (_name, timestamp, fresh) => {
    expect(timestampProblem(timestamp, now) === null).toBe(fresh);
  });
});
