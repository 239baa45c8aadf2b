import { describe, expect, it } from 'vitest';
import { acceptedOrRetry } from './own-mail.ts';
import type { SmtpVerdict } from './smtp-outcome.ts';

describe('acceptedOrRetry', () => {
  it.each([
    ['accepted', true],
    ['refused_permanently', false],
  ] as const)('%s → %s', (kind, expected) => {
    expect(acceptedOrRetry({ kind, response: '250' }, 'The email')).toBe(expected);
  });

  it.each(['refused_temporarily', 'refused_by_policy', 'not_reached', 'uncertain'] as const)(
    '%s throws for the runner to try again, with the answer',
    (kind) => {
      const verdict: SmtpVerdict = { kind, response: '451 try later' };
      expect(() => acceptedOrRetry(verdict, 'The waitlist email')).toThrow(
        'The waitlist email was not accepted: 451 try later',
      );
    },
  );
});
