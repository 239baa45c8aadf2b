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
