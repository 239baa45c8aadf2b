import { describe, expect, it } from 'vitest';
import { cleanCustomField, cleanStandardField, normalizeEmail } from './contact-rules.ts';

describe('normalizeEmail', () => {
  it.each([
    ['Ada@Example.COM', { email: 'Ada@example.com', match: 'ada@example.com' }],
    ['  ada@example.com \t', { email: 'ada@example.com', match: 'ada@example.com' }],
    [
      'first.last+tag@sub.example.co.uk',
      { email: 'first.last+tag@sub.example.co.uk', match: 'first.last+tag@sub.example.co.uk' },
    ],
    ['no-at-sign.example.com', null],
    ['two@@example.com', null],
    ['spaces in@example.com', null],
    ['ada@localhost', null],
    ['ada@example..com', null],
    ['', null],
    [`${'a'.repeat(65)}@example.com`, null],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeEmail(raw)).toEqual(expected);
  });
});

describe('cleanStandardField', () => {
  it.each([
    ['firstName', '  Ada ', { value: 'Ada' }],
    ['firstName', '   ', { value: null }],
    ['firstName', null, { value: null }],
    ['firstName', 42, { field: 'firstName', message: 'must be text' }],
    ['email', ' Ada@EXAMPLE.com', { value: 'Ada@example.com' }],
    ['email', 'nope', { field: 'email', message: 'is not a valid email address' }],
    ['phone', '+44 (0)20 7946-0000', { value: '+44 (0)20 7946-0000' }],
    ['phone', 'call me', { field: 'phone', message: 'is not a phone number' }],
    ['company', 'x'.repeat(201), { field: 'company', message: 'must be at most 200 characters' }],
  ] as const)('%s %j → %j', (field, value, expected) => {
    expect(cleanStandardField(field, value)).toEqual(expected);
  });
});

describe('cleanCustomField', () => {
  it.each([
    ['number', '42', { value: 42 }],
    ['number', 'forty', { field: 'f', message: 'must be a number' }],
    ['boolean', 'yes', { value: true }],
    ['boolean', 'off', { value: false }],
    ['boolean', 'maybe', { field: 'f', message: 'must be true or false' }],
    ['date', '2026-02-28', { value: '2026-02-28' }],
    ['date', '28/02/2026', { field: 'f', message: 'must be a date like 2026-01-31' }],
    ['date', '2026-02-30', { field: 'f', message: 'must be a date like 2026-01-31' }],
    ['date', '2024-02-29', { value: '2024-02-29' }],
    ['text', ' hello ', { value: 'hello' }],
    ['text', '', { value: null }],
  ] as const)('%s %j → %j', (type, value, expected) => {
    expect(cleanCustomField({ key: 'f', label: 'F', type }, value)).toEqual(expected);
  });
});
