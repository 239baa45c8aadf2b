import { describe, expect, it } from 'vitest';
import { attributePageview, pageFacts } from './attribution.ts';

describe('attributePageview', () => {
  it.each([
    {
      name: 'UTM tags and an external referrer',
      url: 'https://www.shop.test/p?utm_source=News&utm_medium=email&utm_campaign=spring&utm_term=t&utm_content=c',
      referrer: 'https://www.google.com/search?q=x',
      expected: {
        path: '/p',
        referrerHost: 'google.com',
        utmSource: 'News',
        utmMedium: 'email',
        utmCampaign: 'spring',
        utmTerm: 't',
        utmContent: 'c',
      },
    },
    {
      name: 'internal navigation is not a referrer',
      url: 'https://www.shop.test/b',
      referrer: 'https://shop.test/a',
      expected: {
        path: '/b',
        referrerHost: null,
        utmSource: null,
        utmMedium: null,
        utmCampaign: null,
        utmTerm: null,
        utmContent: null,
      },
    },
    {
      name: 'no referrer, no tags',
      url: 'https://shop.test/',
      referrer: null,
      expected: {
        path: '/',
        referrerHost: null,
        utmSource: null,
        utmMedium: null,
        utmCampaign: null,
        utmTerm: null,
        utmContent: null,
      },
    },
    {
      name: 'blank tags are absent and long tags are cut to 200',
      url: `https://shop.test/x?utm_source=%20%20&utm_campaign=${'a'.repeat(300)}`,
      referrer: 'not a url',
      expected: {
        path: '/x',
        referrerHost: null,
        utmSource: null,
        utmMedium: null,
        utmCampaign: 'a'.repeat(200),
        utmTerm: null,
        utmContent: null,
      },
    },
    {
      name: 'the hash is not part of the path',
      url: 'https://shop.test/app#/settings',
      referrer: 'https://news.example.org/item',
      expected: {
        path: '/app',
        referrerHost: 'news.example.org',
        utmSource: null,
        utmMedium: null,
        utmCampaign: null,
        utmTerm: null,
        utmContent: null,
      },
    },
  ])('$name', ({ url, referrer, expected }) => {
    expect(attributePageview(url, referrer)).toEqual(expected);
  });
});

describe('pageFacts', () => {
  it.each([
    ['https://shop.test/a?utm_source=x', { host: 'shop.test', path: '/a', utmSource: 'x' }],
    ['http://www.shop.test', { host: 'shop.test', path: '/', utmSource: null }],
    ['ftp://shop.test/file', null],
    ['javascript:alert(1)', null],
    ['/relative/path', null],
    ['', null],
  ])('%s', (url, expected) => {
    // Asked twice: the second answer comes from the memo and must be the same.
    for (let i = 0; i < 2; i++) {
      const facts = pageFacts(url);
      if (expected === null) expect(facts).toBeNull();
      else expect(facts).toMatchObject(expected);
    }
  });
});
