import { describe, expect, it } from 'vitest';
import {
  BURST_WINDOW_MS,
  burstMembers,
  CLICK_DELIVERY_WINDOW_MS,
  type ClickSignals,
  classifyClick,
  type EarlierClick,
  HONEYPOT_WINDOW_MS,
  nearHoneypot,
} from './scanner-rules.ts';

const chrome =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const T = 10_000_000;
const hour = 3_600_000;

const base: ClickSignals = {
  method: 'GET',
  userAgent: chrome,
  network: null,
  msSinceDelivery: hour,
  honeypot: false,
  position: 0,
  at: T,
  sourceHash: 'me',
  earlier: [],
};

const click = (position: number, at: number, extra: Partial<EarlierClick> = {}): EarlierClick => ({
  position,
  at,
  sourceHash: 'me',
  honeypot: false,
  machine: false,
  ...extra,
});

describe('classifyClick', () => {
  it.each<{ name: string; signals: Partial<ClickSignals>; machine: boolean; reason: string | null }>([
    { name: 'a person an hour after delivery', signals: {}, machine: false, reason: null },
    {
      name: 'a person through iCloud Private Relay (Apple ranges are not used for clicks)',
      signals: { network: 'apple-mpp' },
      machine: false,
      reason: null,
    },
    {
      name: "Google's ranges are not used for clicks either",
      signals: { network: 'google-image-proxy' },
      machine: false,
      reason: null,
    },
    {
      name: 'a second link from the same source a few seconds later',
      signals: { position: 1, earlier: [click(0, T - 2_000)] },
      machine: false,
      reason: null,
    },
    {
      name: 'the same link clicked three times quickly (one link is no burst)',
      signals: { earlier: [click(0, T - 500), click(0, T - 200)] },
      machine: false,
      reason: null,
    },
    {
      name: 'three links quickly but from different sources',
      signals: {
        position: 2,
        earlier: [click(0, T - 500, { sourceHash: 'a' }), click(1, T - 200, { sourceHash: 'b' })],
      },
      machine: false,
      reason: null,
    },
    {
      name: 'three links from one source, the first outside the burst window',
      signals: { position: 2, earlier: [click(0, T - BURST_WINDOW_MS - 1), click(1, T - 200)] },
      machine: false,
      reason: null,
    },
    {
      name: 'a honeypot hit long before',
      signals: { earlier: [click(9, T - HONEYPOT_WINDOW_MS - 1, { honeypot: true, machine: true })] },
      machine: false,
      reason: null,
    },
    {
      name: 'just outside the delivery window',
      signals: { msSinceDelivery: CLICK_DELIVERY_WINDOW_MS },
      machine: false,
      reason: null,
    },
    { name: 'the honeypot link', signals: { honeypot: true }, machine: true, reason: 'honeypot' },
    { name: 'HEAD request', signals: { method: 'HEAD' }, machine: true, reason: 'head' },
    { name: 'no user agent', signals: { userAgent: null }, machine: true, reason: 'no-user-agent' },
    {
      name: 'self-declared bot',
      signals: { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
      machine: true,
      reason: 'bot-user-agent',
    },
    {
      name: 'python-requests',
      signals: { userAgent: 'python-requests/2.32.3' },
      machine: true,
      reason: 'bot-user-agent',
    },
    {
      name: 'Defender Safe Links network with a browser user agent',
      signals: { network: 'security-gateway' },
      machine: true,
      reason: 'security-gateway',
    },
    {
      name: 'after a honeypot hit within the window',
      signals: { earlier: [click(9, T - HONEYPOT_WINDOW_MS, { honeypot: true, machine: true })] },
      machine: true,
      reason: 'near-honeypot',
    },
    {
      name: 'third different link from one source within seconds',
      signals: { position: 2, earlier: [click(0, T - 1_000), click(1, T - 500)] },
      machine: true,
      reason: 'burst',
    },
    {
      name: 'within a minute of delivery',
      signals: { msSinceDelivery: 43_000 },
      machine: true,
      reason: 'at-delivery',
    },
  ])('$name → $reason', ({ signals, machine, reason }) => {
    expect(classifyClick({ ...base, ...signals })).toEqual({ machine, reason });
  });
});

describe('burstMembers and nearHoneypot', () => {
  it('names the earlier clicks of a burst from the same source only', () => {
    const a = click(0, T - 1_000);
    const b = click(1, T - 500);
    const other = click(2, T - 400, { sourceHash: 'other' });
    expect(burstMembers([a, b, other], { position: 2, at: T, sourceHash: 'me' })).toEqual([a, b]);
    expect(burstMembers([a, other], { position: 2, at: T, sourceHash: 'me' })).toEqual([]);
  });

  it('names the human clicks within the honeypot window on either side, not the honeypot itself', () => {
    const before = click(0, T - HONEYPOT_WINDOW_MS);
    const tooEarly = click(1, T - HONEYPOT_WINDOW_MS - 1);
    const machine = click(2, T - 100, { machine: true });
    const honeypot = click(9, T - 50, { honeypot: true, machine: true });
    expect(nearHoneypot([tooEarly, before, machine, honeypot], T)).toEqual([before]);
  });
});
