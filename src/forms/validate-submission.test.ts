import { describe, expect, it } from 'vitest';
import { toDefinition } from './form-definition.ts';
import { checkSubmission } from './validate-submission.ts';

const form = toDefinition({
  name: 'Contact us',
  fields: [
    { key: 'email', type: 'email', label: 'Email', required: true },
    { key: 'firstName', type: 'text', label: 'First name' },
    { key: 'phone', type: 'tel', label: 'Phone' },
    { key: 'country', type: 'select', label: 'Country', options: ['FR', 'DE'] },
    { key: 'company', type: 'hidden', label: 'Company', defaultValue: 'Walk-in' },
    {
      key: 'jobTitle',
      type: 'text',
      label: 'Job title',
      pattern: '[A-Z].*',
      patternMessage: 'Job title starts with a capital.',
    },
    { key: 'consent_news', type: 'consent', label: 'Send me news', required: true },
  ],
});

describe('checkSubmission', () => {
  it.each([
    {
      name: 'a good submission',
      raw: { email: ' ada@example.com ', firstName: 'Ada', consent_news: 'on' },
      expected: {
        ok: true,
        value: {
          contactValues: { email: 'ada@example.com', firstName: 'Ada', company: 'Walk-in' },
          consents: { consent_news: true },
        },
      },
    },
    {
      name: 'every problem at once, each beside its field',
      raw: { email: 'ada', phone: 'call me', country: 'UK', jobTitle: 'intern' },
      expected: {
        ok: false,
        errors: {
          email: 'Email must be an email address like name@example.com.',
          phone: 'Phone must be a phone number.',
          country: 'Country must be one of the choices.',
          jobTitle: 'Job title starts with a capital.',
          consent_news: 'Send me news must be ticked.',
        },
      },
    },
    {
      name: 'missing required email',
      raw: { email: '   ', consent_news: 'true' },
      expected: { ok: false, errors: { email: 'Email is required.' } },
    },
    {
      name: 'a submitted hidden value wins over the default; unknown keys are ignored',
      raw: { email: 'a@b.co', company: 'Acme', consent_news: '1', admin: 'yes' },
      expected: {
        ok: true,
        value: { contactValues: { email: 'a@b.co', company: 'Acme' }, consents: { consent_news: true } },
      },
    },
    {
      name: 'arrays and objects are not text',
      raw: { email: ['a@b.co', 'c@d.co'], firstName: { $gt: '' }, consent_news: 'on' },
      expected: {
        ok: true,
        value: { contactValues: { email: 'a@b.co', company: 'Walk-in' }, consents: { consent_news: true } },
      },
    },
    {
      name: 'too long',
      raw: { email: 'a@b.co', firstName: 'x'.repeat(501), consent_news: 'on' },
      expected: { ok: false, errors: { firstName: 'First name must be at most 500 characters.' } },
    },
  ])('$name', ({ raw, expected }) => {
    expect(checkSubmission(form, raw)).toEqual(expected);
  });
});

describe('checkSubmission with patterns that stall a backtracking engine', () => {
  // With `new RegExp` each of these took seconds to hours (checked by hand: 2 s at 23 characters for the
  // first, doubling every two more); on RE2 the verdicts come at once.
  const patterned = (pattern: string) =>
    toDefinition({
      name: 'Patterned',
      fields: [
        {
          key: 'company',
          type: 'text',
          label: 'Company',
          pattern,
          patternMessage: 'Letters and digits only.',
        },
      ],
    });
  it.each([
    { pattern: '([A-Za-z0-9]+\\s?)+', value: `${'a'.repeat(400)}!`, ok: false },
    { pattern: '([A-Za-z0-9]+\\s?)+', value: 'Acme Widgets 2', ok: true },
    { pattern: '(a+)+$', value: `${'a'.repeat(400)}!`, ok: false },
    { pattern: '(a|a)*$', value: `${'a'.repeat(400)}!`, ok: false },
    { pattern: '(a|aa)+$', value: 'a'.repeat(400), ok: true },
    { pattern: '(x+x+)+y', value: 'x'.repeat(400), ok: false },
  ])('$pattern: a crafted value of $value.length characters → ok $ok', ({ pattern, value, ok }) => {
    const result = checkSubmission(patterned(pattern), { company: value });
    expect(result.ok).toBe(ok);
    if (!result.ok) expect(result.errors).toEqual({ company: 'Letters and digits only.' });
  });

  it('a stored pattern RE2 cannot run (saved before the check) is skipped, not run another way', () => {
    expect(checkSubmission(patterned('(a)\\1'), { company: 'ab' })).toEqual({
      ok: true,
      value: { contactValues: { company: 'ab' }, consents: {} },
    });
  });
});
