import { describe, expect, it } from 'vitest';
import { parseReportFilter } from './report-filter.ts';

describe('parseReportFilter', () => {
  it.each([
    [{}, null],
    [{ page: '/pricing' }, { kind: 'page', path: '/pricing' }],
    [{ entry: '/' }, { kind: 'entry', path: '/' }],
    [{ referrer: 'news.example' }, { kind: 'referrer', host: 'news.example' }],
    [
      { utmSource: 'news', utmCampaign: 'spring' },
      { kind: 'campaign', source: 'news', medium: '', campaign: 'spring' },
    ],
    [{ utmMedium: '' }, { kind: 'campaign', source: '', medium: '', campaign: '' }],
  ])('%j → %j', (params, expected) => {
    expect(parseReportFilter(params)).toEqual(expected);
  });

  it.each([[{ page: '/', entry: '/' }], [{ referrer: 'a.example', utmSource: 'x' }]])(
    'refuses two filters at once: %j',
    (params) => {
      expect(() => parseReportFilter(params)).toThrow(/one row at a time/);
    },
  );
});
