import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HotCounter, HotHistogram } from './hot-metrics.ts';

describe('hot metrics in Prometheus text', () => {
  it('writes counters and cumulative histogram buckets; one child per label set', async () => {
    const registry = new Registry();
    const counter = new HotCounter('t_requests_total', 'Requests.');
    const histogram = new HotHistogram('t_seconds', 'Time.', [0.1, 1]);
    registry.registerMetric(counter as never);
    registry.registerMetric(histogram as never);
    counter.bind({ route: '/c' }).inc();
    counter.bind({ route: '/c' }).inc(2);
    histogram.bind({ route: '/c' }).observe(0.05);
    histogram.bind({ route: '/c' }).observe(0.1);
    histogram.bind({ route: '/c' }).observe(3);
    histogram.bind({ route: '/never' });
    expect(await registry.metrics()).toBe(
      [
        '# HELP t_requests_total Requests.',
        '# TYPE t_requests_total counter',
        't_requests_total{route="/c"} 3',
        '',
        '# HELP t_seconds Time.',
        '# TYPE t_seconds histogram',
        't_seconds_bucket{route="/c",le="0.1"} 2',
        't_seconds_bucket{route="/c",le="1"} 2',
        't_seconds_bucket{route="/c",le="+Inf"} 3',
        't_seconds_sum{route="/c"} 3.15',
        't_seconds_count{route="/c"} 3',
        '',
      ].join('\n'),
    );
  });
});
