import { describe, expect, it } from 'vitest';
import { headerFieldsOf } from './report-fields.ts';
import { judgeUnsubscribeMail } from './unsubscribe-mail-rules.ts';

const judge = (headers: string) => judgeUnsubscribeMail(headerFieldsOf(`${headers}\r\n\r\nbody`));

describe('mail to a List-Unsubscribe address', () => {
  it.each([
    ['a person’s mail, subject unsubscribe', 'From: ann@example.com\r\nSubject: unsubscribe'],
    [
      'any subject, or none (the mail itself is the request)',
      'From: ann@example.com\r\nSubject: stop please',
    ],
    ['no header fields to speak of', 'X: y'],
    [
      'a mail provider’s button (Auto-Submitted: auto-generated)',
      'Auto-Submitted: auto-generated\r\nSubject: Unsubscribe',
    ],
    ['Auto-Submitted: no', 'Auto-Submitted: no'],
    ['a plain multipart message', 'Content-Type: multipart/mixed; boundary="x"'],
  ])('%s is a request', (_, headers) => {
    expect(judge(headers)).toEqual({ request: true, complaint: false });
  });

  it('an ARF report is a request and a complaint', () => {
    expect(judge('Content-Type: multipart/report; report-type=feedback-report;\r\n\tboundary="b"')).toEqual({
      request: true,
      complaint: true,
    });
  });

  it.each([
    [
      'Auto-Submitted: auto-replied',
      'Auto-Submitted: auto-replied\r\nSubject: Out of office',
      /automatic reply/,
    ],
    ['Auto-Submitted with a parameter', 'Auto-Submitted: Auto-Replied; owner-email="a@b"', /automatic reply/],
    ['X-Autoreply', 'X-Autoreply: yes', /automatic reply/],
    ['X-Autorespond', 'X-Autorespond: vacation', /automatic reply/],
    ['Precedence: auto_reply', 'Precedence: auto_reply', /automatic reply/],
    ['a DSN', 'Content-Type: multipart/report; report-type=delivery-status; boundary=x', /delivery report/],
    [
      'a global DSN',
      'Content-Type: multipart/report; report-type="global-delivery-status"',
      /delivery report/,
    ],
    [
      'a read receipt',
      'Content-Type: multipart/report; report-type=disposition-notification',
      /read receipt/,
    ],
    ['another report', 'Content-Type: multipart/report; report-type=tlsrpt', /tlsrpt report/],
    ['a challenge (X-Boxtrapper)', 'X-Boxtrapper: 1\r\nSubject: please confirm', /challenge/],
    ['a challenge (TMDA)', 'X-Delivery-Agent: TMDA/1.1', /challenge/],
  ])('%s is not a request', (_, headers, reason) => {
    const verdict = judge(headers);
    expect(verdict.request).toBe(false);
    expect(verdict.request ? '' : verdict.reason).toMatch(reason);
  });
});
