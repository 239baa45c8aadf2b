import { describe, expect, it } from 'vitest';
import { headerFieldsOf, relaxedBody, relaxedHeader, signedNamesFor } from './dkim.ts';

describe('relaxed canonicalization (RFC 6376 §3.4.5 and edges)', () => {
  it.each([
    ['A: X', 'a:X'],
    ['B : Y\t\r\n\tZ  ', 'b:Y Z'],
    ['Subject:  two  spaces ', 'subject:two spaces'],
    ['X-Empty:', 'x-empty:'],
  ])('header %j → %j', (raw, canonical) => {
    expect(relaxedHeader(raw)).toBe(canonical);
  });

  it.each([
    [' C \r\nD \t E\r\n\r\n\r\n', ' C\r\nD E\r\n'],
    ['', ''],
    ['\r\n\r\n', ''],
    ['no final line break', 'no final line break\r\n'],
  ])('body %j → %j', (body, canonical) => {
    expect(relaxedBody(body)).toBe(canonical);
  });
});

describe('which names the signature lists', () => {
  const fields = headerFieldsOf(
    'From: a@spoor.test\r\nTo: b@example.com\r\nReceived: x\r\nX-Spoor-Send: 2.abc\r\nSubject: Hi\r\n there',
  );

  it('keeps folded lines with their field', () => {
    expect(fields.map((f) => f.name)).toEqual(['from', 'to', 'received', 'x-spoor-send', 'subject']);
    expect(fields.at(-1)?.raw).toBe('Subject: Hi\r\n there');
  });

  it.each([
    ['From', 2],
    ['To', 2],
    ['Subject', 2],
    ['Reply-To', 1],
    ['List-Unsubscribe', 1],
    ['X-Spoor-Send', 1],
    ['Received', 0],
    ['Sender', 0],
  ])('%s is listed %i times (over-signed: one more than present; absent ones as absent)', (name, times) => {
    expect(signedNamesFor(fields).filter((entry) => entry === name)).toHaveLength(times);
  });
});
