import type { Selectable } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { ContactsTable } from '../../storage/schema.ts';
import { mergeContactOf } from './merge-contact.ts';

const row = (custom: string): Selectable<ContactsTable> => ({
  id: 'c1',
  email: 'ada@example.com',
  email_match: 'ada@example.com',
  first_name: 'Ada',
  last_name: null,
  company: 'Analytical',
  phone: null,
  job_title: 'Countess',
  country: 'GB',
  custom,
  prefill_allowed: 0,
  email_tracking: null,
  do_not_email: 0,
  created_at: 1,
  updated_at: 1,
});

describe('mergeContactOf', () => {
  it.each([
    {
      name: 'standard fields in snake_case, custom fields at the top and under custom',
      custom: '{"plan":"pro","seats":3,"vip":true,"since":null}',
      expected: {
        email: 'ada@example.com',
        first_name: 'Ada',
        last_name: null,
        company: 'Analytical',
        phone: null,
        job_title: 'Countess',
        country: 'GB',
        plan: 'pro',
        seats: 3,
        vip: true,
        since: null,
        custom: { plan: 'pro', seats: 3, vip: true, since: null },
      },
    },
    {
      name: 'a custom key named like a standard field or "custom" stays under custom only',
      custom: '{"custom":"x","email":"other@example.com"}',
      expected: { email: 'ada@example.com', custom: { custom: 'x', email: 'other@example.com' } },
    },
    {
      name: 'keys that are not field names and non-scalar values are left out',
      custom: '{"__proto__":{"polluted":1},"list":[1,2],"ok":"yes"}',
      expected: { ok: 'yes', custom: { ok: 'yes' } },
    },
    { name: 'unreadable custom JSON gives no custom values', custom: 'not json', expected: { custom: {} } },
  ])('$name', ({ custom, expected }) => {
    const merged = mergeContactOf(row(custom));
    expect(merged).toMatchObject(expected);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(merged).not.toHaveProperty('id');
    expect(merged).not.toHaveProperty('list');
  });
});
