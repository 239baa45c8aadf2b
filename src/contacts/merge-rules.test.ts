import { describe, expect, it } from 'vitest';
import { mergedContactValues } from './merge-rules.ts';

const row = (values: Partial<Parameters<typeof mergedContactValues>[0]> = {}) => ({
  email: null,
  email_match: null,
  first_name: null,
  last_name: null,
  company: null,
  phone: null,
  job_title: null,
  country: null,
  custom: '{}',
  prefill_allowed: 0,
  do_not_email: 0,
  email_tracking: null,
  ...values,
});

describe('mergedContactValues', () => {
  it('keeps the winner’s values and fills what it lacks from the loser', () => {
    const merged = mergedContactValues(
      row({ first_name: 'Ada', company: null, custom: '{"size":"L","colour":null}' }),
      row({ first_name: 'Ada L.', company: 'Acme', custom: '{"colour":"red","size":"M"}' }),
    );
    expect(merged).toMatchObject({ first_name: 'Ada', company: 'Acme' });
    expect(JSON.parse(merged.custom)).toEqual({ colour: 'red', size: 'L' });
  });

  it.each([
    // [winner, loser, merged]: a refusal from either record wins, then consent, else the default
    [null, null, null],
    [1, null, 1],
    [null, 1, 1],
    [1, 0, 0],
    [0, 1, 0],
    [null, 0, 0],
  ])('email tracking %s + %s → %s', (winner, loser, merged) => {
    expect(
      mergedContactValues(row({ email_tracking: winner }), row({ email_tracking: loser })).email_tracking,
    ).toBe(merged);
  });

  it.each([
    [0, 0, 0],
    [1, 0, 1],
    [0, 1, 1],
  ])('do not email %s + %s → %s; remember me likewise', (winner, loser, merged) => {
    const values = mergedContactValues(
      row({ do_not_email: winner, prefill_allowed: winner }),
      row({ do_not_email: loser, prefill_allowed: loser }),
    );
    expect(values.do_not_email).toBe(merged);
    expect(values.prefill_allowed).toBe(merged);
  });
});
