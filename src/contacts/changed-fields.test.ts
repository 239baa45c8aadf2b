import { describe, expect, it } from 'vitest';
import { changedFields } from './changed-fields.ts';
import type { ContactRow } from './store.ts';

const row = (values: Partial<ContactRow> = {}): ContactRow => ({
  email: 'a@b.test',
  first_name: 'Ada',
  last_name: null,
  company: null,
  phone: null,
  job_title: null,
  country: null,
  custom: {},
  ...values,
});

describe('changedFields', () => {
  it.each([
    [row(), row(), []],
    [row(), row({ first_name: 'Ida' }), ['firstName']],
    [row(), row({ email: null, country: 'FI' }), ['email', 'country']],
    [row({ custom: { size: 10 } }), row({ custom: { size: 10 } }), []],
    [row({ custom: { size: 10 } }), row({ custom: { size: 12 } }), ['custom.size']],
    [row({ custom: { a: 1 } }), row({ custom: { b: 1 } }), ['custom.a', 'custom.b']],
    [row({ custom: { a: null } }), row({ custom: {} }), []],
  ])('%j → %j gives %j', (before, after, expected) => {
    expect(changedFields(before, after)).toEqual(expected);
  });
});
