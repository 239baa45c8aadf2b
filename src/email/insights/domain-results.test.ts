import { describe, expect, it } from 'vitest';
import { COUNTER } from '../counters/counter-names.ts';
import { domainResultsOf } from './domain-results.ts';

const counters = (entries: [string, Parameters<typeof COUNTER.domain>[1], number][]) =>
  new Map(entries.map(([domain, figure, value]) => [COUNTER.domain(domain, figure), value]));

describe('domainResultsOf', () => {
  const sample = counters([
    ['big.example', 'recipients', 10],
    ['big.example', 'sent', 10],
    ['big.example', 'hard_bounce', 2],
    ['big.example', 'unique_open:human', 4],
    ['mid.example', 'recipients', 5],
    ['mid.example', 'blocked', 1],
    ['mid.example', 'sent', 4],
    ['mid.example', 'unique_click:human', 1],
    ['small.example', 'recipients', 1],
    ['small.example', 'sent', 1],
  ]);

  it('puts the largest domains first with PRODUCT.md rates per domain', () => {
    const result = domainResultsOf(sample, { uniqueHumanOpens: 4, uniqueHumanClicks: 1 }, 20);
    expect(result.domains.map((d) => d.domain)).toEqual(['big.example', 'mid.example', 'small.example']);
    expect(result.domains[0]).toMatchObject({ delivered: 8, uniqueHumanOpens: 4, openRate: 0.5 });
    expect(result.domains[1]).toMatchObject({ blocked: 1, delivered: 4, clickThroughRate: 0.25 });
    expect(result.others).toBeNull();
  });

  it('sums the domains past the limit into one row', () => {
    const result = domainResultsOf(sample, { uniqueHumanOpens: 4, uniqueHumanClicks: 1 }, 1);
    expect(result.domains).toHaveLength(1);
    expect(result.others).toMatchObject({
      domain: 'other domains',
      count: 2,
      recipients: 6,
      sent: 5,
      blocked: 1,
    });
  });

  it('says "not counted" (null), never 0, for a send whose opens were not counted per domain', () => {
    const delivery = counters([
      ['big.example', 'recipients', 3],
      ['big.example', 'sent', 3],
    ]);
    const notCounted = domainResultsOf(delivery, { uniqueHumanOpens: 2, uniqueHumanClicks: 0 }, 20);
    expect(notCounted.domains[0]).toMatchObject({ uniqueHumanOpens: null, openRate: null });
    const nobodyOpened = domainResultsOf(delivery, { uniqueHumanOpens: 0, uniqueHumanClicks: 0 }, 20);
    expect(nobodyOpened.domains[0]).toMatchObject({ uniqueHumanOpens: 0, openRate: 0 });
  });
});
