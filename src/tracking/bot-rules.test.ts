import { describe, expect, it } from 'vitest';
import { classifyBot } from './bot-rules.ts';

const chrome =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const safari =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('classifyBot', () => {
  it.each([
    { ua: chrome, webdriver: false, expected: null },
    { ua: safari, webdriver: false, expected: null },
    { ua: chrome, webdriver: true, expected: 'webdriver' },
    { ua: chrome.replace('Chrome/', 'HeadlessChrome/'), webdriver: false, expected: 'headless' },
    {
      ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      webdriver: false,
      expected: 'user-agent',
    },
    { ua: 'curl/8.5.0', webdriver: false, expected: 'user-agent' },
    { ua: 'python-requests/2.32.3', webdriver: false, expected: 'user-agent' },
    {
      ua: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
      webdriver: false,
      expected: 'user-agent',
    },
    { ua: undefined, webdriver: false, expected: 'no-user-agent' },
    { ua: '   ', webdriver: false, expected: 'no-user-agent' },
  ])('$ua (webdriver $webdriver) → $expected', ({ ua, webdriver, expected }) => {
    expect(classifyBot({ userAgent: ua, webdriver })).toBe(expected);
  });
});
