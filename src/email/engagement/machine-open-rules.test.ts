import { describe, expect, it } from 'vitest';
import { classifyOpen, OPEN_DELIVERY_WINDOW_MS, type OpenSignals } from './machine-open-rules.ts';

const chrome =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const appleMail = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const outlook = 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)';
const gmailProxy =
  'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
const hour = 3_600_000;

const base: OpenSignals = { method: 'GET', userAgent: chrome, network: null, msSinceDelivery: hour };

describe('classifyOpen', () => {
  it.each<{ name: string; signals: Partial<OpenSignals>; machine: boolean; reason: string | null }>([
    { name: 'a mail client an hour after delivery', signals: {}, machine: false, reason: null },
    { name: "Apple Mail's own user agent", signals: { userAgent: appleMail }, machine: false, reason: null },
    { name: 'Outlook desktop', signals: { userAgent: outlook }, machine: false, reason: null },
    { name: 'delivery time unknown', signals: { msSinceDelivery: null }, machine: false, reason: null },
    {
      name: 'just outside the delivery window',
      signals: { msSinceDelivery: OPEN_DELIVERY_WINDOW_MS },
      machine: false,
      reason: null,
    },
    { name: 'HEAD request', signals: { method: 'HEAD' }, machine: true, reason: 'head' },
    {
      name: "Apple MPP proxy's bare user agent",
      signals: { userAgent: 'Mozilla/5.0' },
      machine: true,
      reason: 'apple-mpp',
    },
    {
      name: 'Apple MPP proxy user agent with stray spaces',
      signals: { userAgent: ' Mozilla/5.0 ' },
      machine: true,
      reason: 'apple-mpp',
    },
    {
      name: 'any user agent from Apple egress ranges',
      signals: { network: 'apple-mpp', userAgent: appleMail },
      machine: true,
      reason: 'apple-mpp',
    },
    {
      name: 'Gmail image proxy',
      signals: { userAgent: gmailProxy },
      machine: true,
      reason: 'google-image-proxy',
    },
    {
      name: "Google's ranges without the proxy user agent",
      signals: { network: 'google-image-proxy' },
      machine: true,
      reason: 'google-image-proxy',
    },
    {
      name: 'Yahoo mail proxy',
      signals: { userAgent: 'YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html' },
      machine: true,
      reason: 'yahoo-proxy',
    },
    {
      name: 'security gateway network with a browser user agent',
      signals: { network: 'security-gateway' },
      machine: true,
      reason: 'security-gateway',
    },
    {
      name: "operator's extra ranges",
      signals: { network: 'proxy-range' },
      machine: true,
      reason: 'proxy-range',
    },
    { name: 'no user agent', signals: { userAgent: null }, machine: true, reason: 'no-user-agent' },
    { name: 'blank user agent', signals: { userAgent: '  ' }, machine: true, reason: 'no-user-agent' },
    { name: 'curl', signals: { userAgent: 'curl/8.5.0' }, machine: true, reason: 'bot-user-agent' },
    {
      name: 'headless Chrome',
      signals: { userAgent: chrome.replace('Chrome/', 'HeadlessChrome/') },
      machine: true,
      reason: 'bot-user-agent',
    },
    { name: 'fetched on arrival', signals: { msSinceDelivery: 1_200 }, machine: true, reason: 'at-delivery' },
    {
      name: 'fetched before sent_at was written',
      signals: { msSinceDelivery: -50 },
      machine: true,
      reason: 'at-delivery',
    },
    {
      name: 'HEAD wins over every other signal',
      signals: { method: 'HEAD', userAgent: 'Mozilla/5.0' },
      machine: true,
      reason: 'head',
    },
  ])('$name → $reason', ({ signals, machine, reason }) => {
    expect(classifyOpen({ ...base, ...signals })).toEqual({ machine, reason });
  });
});
