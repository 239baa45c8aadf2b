import { describe, expect, it } from 'vitest';
import { markLinks, markTextLinks, type RefusedLink } from './email-links.ts';
import type { LinkEntry } from './render-email.ts';

const sentinel = (position: number) => `S${position}`;

function mark(html: string) {
  const links: LinkEntry[] = [];
  const refused: RefusedLink[] = [];
  const out = markLinks(html, links, sentinel, refused);
  return { out, links: links.map((l) => l.url), refused: refused.map((r) => r.url) };
}

interface Case {
  name: string;
  html: string;
  /** The whole marked HTML: only the tracked hrefs (and opt-out attributes) differ from the input. */
  out: string;
  links: string[];
  refused?: string[];
}

const cases: Case[] = [
  {
    name: 'an unquoted href whose query holds "=" is read to its end',
    html: '<a href=https://shop.example/sale?utm_source=news&utm_medium=email>Sale</a>',
    out: '<a href="S0">Sale</a>',
    links: ['https://shop.example/sale?utm_source=news&utm_medium=email'],
  },
  {
    name: 'double-, single- and unquoted hrefs; every other byte stays as written',
    html: `<p class=intro>Hi</p>\n<a  class='x'  href="https://a.test/dq" >D</a><a href='https://a.test/sq'>S</a><a href=https://a.test/uq target=_blank>U</a>`,
    out: `<p class=intro>Hi</p>\n<a  class='x'  href="S0" >D</a><a href="S1">S</a><a href="S2" target=_blank>U</a>`,
    links: ['https://a.test/dq', 'https://a.test/sq', 'https://a.test/uq'],
  },
  {
    name: 'character references are decoded for the destination (legacy ones not before "=")',
    html: '<a href="https://a.test/?a=1&amp;b=2&#38;c=&#x33;&copy=4">Q</a>',
    out: '<a href="S0">Q</a>',
    links: ['https://a.test/?a=1&b=2&c=3&copy=4'],
  },
  {
    name: 'uppercase tags and attributes; the attribute keeps its spelling',
    html: '<A HREF=https://a.test/UP?x=1 TITLE="T">Up</A><AREA HREF="https://a.test/area">',
    out: '<A HREF="S0" TITLE="T">Up</A><AREA HREF="S1">',
    links: ['https://a.test/UP?x=1', 'https://a.test/area'],
  },
  {
    name: 'image-map areas are links',
    html: '<map name="m"><area shape="rect" coords="0,0,10,10" href="https://a.test/r"></map>',
    out: '<map name="m"><area shape="rect" coords="0,0,10,10" href="S0"></map>',
    links: ['https://a.test/r'],
  },
  {
    name: 'a link inside a comment is left alone (nobody can click it)',
    html: '<!-- old: <a href="https://a.test/old">Old</a> --><a href="https://a.test/new">New</a>',
    out: '<!-- old: <a href="https://a.test/old">Old</a> --><a href="S0">New</a>',
    links: ['https://a.test/new'],
  },
  {
    name: 'links inside Outlook conditional comments are tracked (Outlook shows them)',
    html: '<!--[if mso]><v:roundrect href="https://a.test/buy"><a href=https://a.test/mso?x=1>B</a></v:roundrect><![endif]--><!--[if !mso]><!--><a href="https://a.test/buy">Buy</a><!--<![endif]-->',
    out: '<!--[if mso]><v:roundrect href="S0"><a href="S1">B</a></v:roundrect><![endif]--><!--[if !mso]><!--><a href="S2">Buy</a><!--<![endif]-->',
    links: ['https://a.test/buy', 'https://a.test/mso?x=1', 'https://a.test/buy'],
  },
  {
    name: 'markup that only looks like a link (in text, in an attribute, in a style) is not one',
    html: `<style>/* <a href="https://a.test/css"> */</style><img alt='<a href="https://a.test/alt">'><textarea><a href="https://a.test/ta"></textarea><title><a href="https://a.test/title"></title>`,
    out: `<style>/* <a href="https://a.test/css"> */</style><img alt='<a href="https://a.test/alt">'><textarea><a href="https://a.test/ta"></textarea><title><a href="https://a.test/title"></title>`,
    links: [],
  },
  {
    name: 'relative hrefs resolve against <base href>; anchors, mailto, tel and merge fields do not',
    html: '<head><base href="https://shop.test/en/"></head><a href="sale?x=1">S</a><a href="/stores">T</a><a href="#top">Top</a><a href="mailto:a@b.test">M</a><a href="tel:+331">C</a><a href="{{ contact.custom.site }}">Me</a>',
    out: '<head><base href="https://shop.test/en/"></head><a href="S0">S</a><a href="S1">T</a><a href="#top">Top</a><a href="mailto:a@b.test">M</a><a href="tel:+331">C</a><a href="{{ contact.custom.site }}">Me</a>',
    links: ['https://shop.test/en/sale?x=1', 'https://shop.test/stores'],
  },
  {
    name: 'without <base> a relative href stays untracked',
    html: '<a href="sale">S</a><a href="//cdn.test/x">P</a>',
    out: '<a href="sale">S</a><a href="//cdn.test/x">P</a>',
    links: [],
  },
  {
    name: 'the opt-out attribute, in any case, leaves the link alone and is removed',
    html: '<a DATA-SPOOR-UNTRACKED href="https://a.test/private">P</a><a href="https://a.test/p2"\n  data-spoor-untracked>Q</a>',
    out: '<a href="https://a.test/private">P</a><a href="https://a.test/p2">Q</a>',
    links: [],
  },
  {
    name: 'a line break an editor put inside an href is dropped, as a browser does',
    html: '<a href="https://a.test/long/\r\npath?x=1\t">L</a>',
    out: '<a href="S0">L</a>',
    links: ['https://a.test/long/path?x=1'],
  },
  {
    name: 'non-ASCII destinations are stored as ASCII (punycode, percent-encoding)',
    html: '<a href="https://bücher.example/straße?q=ä">B</a>',
    out: '<a href="S0">B</a>',
    links: ['https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%A4'],
  },
  {
    name: 'a destination that cannot be a redirect stays as written, untracked, and is reported',
    html: '<a href="https://a.test/%0d%0aSet-Cookie:x">X</a><a href="https://a.test/ok">OK</a>',
    out: '<a href="https://a.test/%0d%0aSet-Cookie:x">X</a><a href="S0">OK</a>',
    links: ['https://a.test/ok'],
    refused: ['https://a.test/%0d%0aSet-Cookie:x'],
  },
  {
    name: 'a duplicated href: the first is the one a browser follows',
    html: '<a href="https://a.test/first" href="https://a.test/second">D</a>',
    out: '<a href="S0" href="https://a.test/second">D</a>',
    links: ['https://a.test/first'],
  },
  {
    name: 'misnested markup the parser repairs is still one link, in source order',
    html: '<table><a href="https://a.test/1">One</a><tr><td><a href="https://a.test/2"><p>Two</a></td></tr></table>',
    out: '<table><a href="S0">One</a><tr><td><a href="S1"><p>Two</a></td></tr></table>',
    links: ['https://a.test/1', 'https://a.test/2'],
  },
  {
    name: 'Liquid in the markup around a link does not disturb it',
    html: '{% if contact.first_name %}<a href="https://a.test/hi?n={{ contact.first_name }}">Hi</a>{% endif %}<a {% if x %}class="b"{% endif %} href="https://a.test/b">B</a>',
    out: '{% if contact.first_name %}<a href="https://a.test/hi?n={{ contact.first_name }}">Hi</a>{% endif %}<a {% if x %}class="b"{% endif %} href="S0">B</a>',
    links: ['https://a.test/b'],
  },
  {
    name: 'CR LF line ends and astral characters before a link keep the offsets right',
    html: '<p>😀 déjà\r\n</p>\r\n<a href="https://a.test/x">X</a>',
    out: '<p>😀 déjà\r\n</p>\r\n<a href="S0">X</a>',
    links: ['https://a.test/x'],
  },
];

describe('markLinks', () => {
  it.each(cases)('$name', (c) => {
    const result = mark(c.html);
    expect(result.out).toBe(c.out);
    expect(result.links).toEqual(c.links);
    expect(result.refused).toEqual(c.refused ?? []);
  });
});

describe('markTextLinks', () => {
  it('stores text URLs in the same normalised form, so an HTML link and its text twin share a position', () => {
    const links: LinkEntry[] = [];
    const refused: RefusedLink[] = [];
    markLinks('<a href="https://bücher.example/">B</a>', links, sentinel, refused);
    const text = markTextLinks(
      'Books: https://bücher.example/ and https://a.test/%0A.',
      links,
      sentinel,
      refused,
    );
    expect(text).toBe('Books: S0 and https://a.test/%0A.');
    expect(links.map((l) => l.url)).toEqual(['https://xn--bcher-kva.example/']);
    expect(refused.map((r) => [r.part, r.url])).toEqual([['text part', 'https://a.test/%0A']]);
  });
});

describe('deeply nested HTML', () => {
  it('is walked without running out of stack', () => {
    const html = `${'<div>'.repeat(100_000)}<a href="https://a.test/deep">D</a>`;
    const { out, links } = mark(html);
    expect(links).toEqual(['https://a.test/deep']);
    expect(out.endsWith('<a href="S0">D</a>')).toBe(true);
  });
});
