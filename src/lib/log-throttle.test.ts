import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogThrottle, type ThrottledLine } from './log-throttle.ts';

describe('LogThrottle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const throttle = () => {
    const lines: ThrottledLine<string>[] = [];
    return { lines, log: new LogThrottle<string>(10_000, (line) => lines.push(line)) };
  };
  const summary = (lines: ThrottledLine<string>[]) =>
    lines.map((l) => `${l.key}:${l.detail}:${l.count}${l.repeated ? '+' : ''}`);

  it('writes the first occurrence at once and counts the rest into one line per interval', () => {
    const { lines, log } = throttle();
    for (let i = 1; i <= 1000; i++) log.note('full', `e${i}`);
    expect(summary(lines)).toEqual(['full:e1:1']);
    vi.advanceTimersByTime(10_000);
    expect(summary(lines)).toEqual(['full:e1:1', 'full:e1000:999+']);
    for (let i = 1; i <= 5; i++) log.note('full', `f${i}`);
    vi.advanceTimersByTime(10_000);
    expect(summary(lines)).toEqual(['full:e1:1', 'full:e1000:999+', 'full:f5:5+']);
  });

  it('after a quiet interval the next occurrence is written at once again', () => {
    const { lines, log } = throttle();
    log.note('lost', 'a');
    vi.advanceTimersByTime(10_000); // nothing more: no summary line
    expect(summary(lines)).toEqual(['lost:a:1']);
    vi.advanceTimersByTime(60_000);
    log.note('lost', 'b');
    expect(summary(lines)).toEqual(['lost:a:1', 'lost:b:1']);
  });

  it('keeps kinds apart, and flush writes what is still counted', () => {
    const { lines, log } = throttle();
    log.note('full', 'a');
    log.note('lost', 'b');
    log.note('full', 'c');
    log.note('full', 'd');
    expect(summary(lines)).toEqual(['full:a:1', 'lost:b:1']);
    log.flush();
    expect(summary(lines)).toEqual(['full:a:1', 'lost:b:1', 'full:d:2+']);
  });
});
