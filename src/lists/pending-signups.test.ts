import { describe, expect, it } from 'vitest';
import { needsConfirmation } from './pending-signups.ts';

describe('needsConfirmation', () => {
  it.each([
    { form: false, lists: [], doi: [], expected: false },
    { form: true, lists: [], doi: [], expected: true },
    { form: false, lists: ['a', 'b'], doi: ['b'], expected: true },
    { form: false, lists: ['a'], doi: ['b'], expected: false },
    { form: true, lists: ['a'], doi: [], expected: true },
  ])('form $form, lists $lists, double opt-in lists $doi → $expected', ({ form, lists, doi, expected }) => {
    expect(needsConfirmation(form, lists, new Set(doi))).toBe(expected);
  });
});
