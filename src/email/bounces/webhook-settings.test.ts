import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';

describe('the providers’ webhook settings', () => {
  it('defaults: none set up; bounce reports kept 30 days', () => {
    const config = loadConfig({});
    expect(config.espWebhooks).toEqual({
      sesTopicArns: [],
      mailgunSigningKey: undefined,
      postmark: undefined,
    });
    expect(config.bounceReportDays).toBe(30);
  });

  it('takes topics, a signing key, Postmark credentials and days', () => {
    const config = loadConfig({
      SPOOR_SES_TOPIC_ARNS:
        'arn:aws:sns:eu-west-1:123456789012:ses-bounces, arn:aws-cn:sns:cn-north-1:123456789012:b',
      SPOOR_MAILGUN_WEBHOOK_SIGNING_KEY: 'key-0123456789abcdef',
      SPOOR_POSTMARK_WEBHOOK_USER: 'postmark',
      SPOOR_POSTMARK_WEBHOOK_PASSWORD: '0123456789abcdef0123',
      SPOOR_BOUNCE_REPORT_DAYS: '7',
    });
    expect(config.espWebhooks).toEqual({
      sesTopicArns: [
        'arn:aws:sns:eu-west-1:123456789012:ses-bounces',
        'arn:aws-cn:sns:cn-north-1:123456789012:b',
      ],
      mailgunSigningKey: 'key-0123456789abcdef',
      postmark: { user: 'postmark', password: '0123456789abcdef0123' },
    });
    expect(config.bounceReportDays).toBe(7);
  });

  it.each([
    [
      { SPOOR_SES_TOPIC_ARNS: 'ses-bounces' },
      /SPOOR_SES_TOPIC_ARNS must be a comma-separated list of SNS topic ARNs/,
    ],
    [{ SPOOR_SES_TOPIC_ARNS: 'arn:aws:sqs:eu-west-1:123456789012:q' }, /SPOOR_SES_TOPIC_ARNS/],
    [{ SPOOR_MAILGUN_WEBHOOK_SIGNING_KEY: 'short' }, /SPOOR_MAILGUN_WEBHOOK_SIGNING_KEY must be/],
    [
      { SPOOR_POSTMARK_WEBHOOK_USER: 'postmark' },
      /Set both SPOOR_POSTMARK_WEBHOOK_USER and SPOOR_POSTMARK_WEBHOOK_PASSWORD/,
    ],
    [
      { SPOOR_POSTMARK_WEBHOOK_USER: 'a:b', SPOOR_POSTMARK_WEBHOOK_PASSWORD: '0123456789abcdef' },
      /without spaces or a colon/,
    ],
    [{ SPOOR_POSTMARK_WEBHOOK_USER: 'pm', SPOOR_POSTMARK_WEBHOOK_PASSWORD: 'short' }, /at least 16/],
    [{ SPOOR_BOUNCE_REPORT_DAYS: '0' }, /SPOOR_BOUNCE_REPORT_DAYS must be a whole number from 1 to 3650/],
  ])('%o is refused with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
