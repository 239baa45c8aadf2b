import { describe, expect, it } from 'vitest';
import { decideConsent, type GpcMode } from './consent-rules.ts';

describe('decideConsent', () => {
  it.each([
    { page: false, header: false, script: false, mode: 'anonymize', anonymize: false, reason: null },
    { page: true, header: false, script: false, mode: 'anonymize', anonymize: true, reason: 'page' },
    { page: true, header: false, script: false, mode: 'ignore', anonymize: true, reason: 'page' },
    { page: false, header: true, script: false, mode: 'anonymize', anonymize: true, reason: 'gpc' },
    { page: false, header: false, script: true, mode: 'anonymize', anonymize: true, reason: 'gpc' },
    { page: false, header: true, script: true, mode: 'ignore', anonymize: false, reason: null },
    { page: true, header: true, script: true, mode: 'anonymize', anonymize: true, reason: 'page' },
  ] as const)(
    'page=$page Sec-GPC=$header navigator.gpc=$script mode=$mode → anonymize=$anonymize',
    ({ page, header, script, mode, anonymize, reason }) => {
      expect(
        decideConsent({
          pageAnonymize: page,
          gpcHeader: header,
          gpcScript: script,
          gpcMode: mode as GpcMode,
        }),
      ).toEqual({ anonymize, reason });
    },
  );
});
