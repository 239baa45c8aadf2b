import { describe, expect, it } from 'vitest';
import { contactMatches, MATCH_PRESETS, matchKey } from './match-rules.ts';

const email = MATCH_PRESETS.email;
const mdm = MATCH_PRESETS['name-email-company'];
const ada = {
  email: 'ada@example.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  company: 'Analytical Engines',
};

describe('duplicate detection', () => {
  it.each([
    {
      name: 'email: same address',
      rule: email,
      submitted: { email: 'ada@example.com' },
      stored: ada,
      match: true,
    },
    {
      name: 'email: case and spacing differ',
      rule: email,
      submitted: { email: '  ADA@Example.com ' },
      stored: ada,
      match: true,
    },
    {
      name: 'email: other address',
      rule: email,
      submitted: { email: 'ada@example.org' },
      stored: ada,
      match: false,
    },
    {
      name: 'email: missing email never matches',
      rule: email,
      submitted: { firstName: 'Ada' },
      stored: ada,
      match: false,
    },
    {
      name: 'email: stored contact has no email',
      rule: email,
      submitted: { email: 'ada@example.com' },
      stored: { firstName: 'Ada' },
      match: false,
    },
    { name: 'MDM: all four equal', rule: mdm, submitted: { ...ada }, stored: ada, match: true },
    {
      name: 'MDM: all four equal up to case and spaces',
      rule: mdm,
      submitted: {
        email: 'ADA@example.com',
        firstName: ' ada ',
        lastName: 'LOVELACE',
        company: 'analytical   engines',
      },
      stored: ada,
      match: true,
    },
    {
      name: 'MDM: other company',
      rule: mdm,
      submitted: { ...ada, company: 'Babbage & Co' },
      stored: ada,
      match: false,
    },
    {
      name: 'MDM: other first name',
      rule: mdm,
      submitted: { ...ada, firstName: 'Augusta' },
      stored: ada,
      match: false,
    },
    {
      name: 'MDM: company missing on the form, present on the contact',
      rule: mdm,
      submitted: { ...ada, company: '' },
      stored: ada,
      match: false,
    },
    {
      name: 'MDM: company empty on both',
      rule: mdm,
      submitted: { ...ada, company: undefined },
      stored: { ...ada, company: null },
      match: true,
    },
    { name: 'MDM: everything empty never matches', rule: mdm, submitted: {}, stored: {}, match: false },
    {
      name: 'custom field rule',
      rule: ['member_no'],
      submitted: { member_no: ' A-17 ' },
      stored: { member_no: 'a-17' },
      match: true,
    },
  ])('$name → $match', ({ rule, submitted, stored, match }) => {
    expect(contactMatches(rule, submitted, stored)).toBe(match);
  });

  it('keys are equal exactly when contacts match', () => {
    expect(matchKey(email, { email: 'A@x.io' })).toBe(matchKey(email, { email: 'a@X.IO' }));
    expect(matchKey(email, { email: '' })).toBeNull();
    expect(matchKey(mdm, ada)).not.toBe(matchKey(email, ada));
  });
});
