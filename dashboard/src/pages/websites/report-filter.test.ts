import { describe, expect, it } from 'vitest';
import { describeFilter, filterFromQuery, queryWithFilter } from './report-filter';

describe('the report filter in the URL', () => {
  it.each([
    ['period=7d', null],
    ['page=%2Fpricing', { kind: 'page', path: '/pricing' }],
    ['entry=%2F', { kind: 'entry', path: '/' }],
    ['referrer=news.example', { kind: 'referrer', host: 'news.example' }],
    [
      'utmSource=news&utmCampaign=spring',
      { kind: 'campaign', source: 'news', medium: '', campaign: 'spring' },
    ],
  ])('%s → %j', (query, expected) => {
    expect(filterFromQuery(new URLSearchParams(query))).toEqual(expected);
  });

  it('replaces an earlier filter and keeps the period', () => {
    const before = new URLSearchParams('period=7d&referrer=a.example&bots=include');
    const after = queryWithFilter(before, { kind: 'campaign', source: 'n', medium: '', campaign: 'c' });
    expect(after.toString()).toBe('period=7d&bots=include&utmSource=n&utmMedium=&utmCampaign=c');
    expect(queryWithFilter(after, null).toString()).toBe('period=7d&bots=include');
  });

  it('says what the report is filtered by', () => {
    expect(describeFilter({ kind: 'campaign', source: 'news', medium: '', campaign: 'spring' })).toBe(
      'campaign spring (news / (none))',
    );
  });
});
