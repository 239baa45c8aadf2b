import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.ts';
import type { RecipientTrackingUrls } from '../engagement/tracking-urls.ts';
import { type MergeContact, type MessageContent, prepareMessage } from './render-email.ts';

const urls: RecipientTrackingUrls = {
  pixel: 'https://t.test/e/o/PX.gif',
  click: (position) => `https://t.test/e/c/T${position}`,
  unsubscribe: 'https://t.test/e/u/U',
  subscriptionCenter: 'https://t.test/subscriptions?token=S.1&x=2',
  forward: 'https://t.test/forward?token=F.1&y=3',
};

const ada: MergeContact = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada@example.com',
  company: 'Tom & Jerry <Ltd>',
  custom: { plan: 'pro' },
};

interface Case {
  name: string;
  content: Partial<MessageContent>;
  contact?: MergeContact;
  /** false renders a preview (original links, no pixel). */
  tracked?: boolean;
  /** Tracked links by position, the honeypot left out. */
  links?: string[];
  subject?: string;
  htmlHas?: string[];
  htmlLacks?: string[];
  text?: string;
  textHas?: string[];
}

const cases: Case[] = [
  {
    name: 'each http(s) link is tracked by its position, the same URL twice is two positions',
    content: {
      html: '<a href="https://a.test/1">One</a> <a href="http://a.test/2">Two</a> <a href="https://a.test/1">Again</a>',
    },
    links: ['https://a.test/1', 'http://a.test/2', 'https://a.test/1'],
    htmlHas: [
      '<a href="https://t.test/e/c/T0">One</a>',
      '<a href="https://t.test/e/c/T1">Two</a>',
      '<a href="https://t.test/e/c/T2">Again</a>',
    ],
    htmlLacks: ['a.test'],
  },
  {
    name: 'a preview keeps the original links and adds neither pixel nor honeypot',
    content: { html: '<body><a href="https://a.test/x?a=1&amp;b=2">X</a></body>' },
    tracked: false,
    links: ['https://a.test/x?a=1&b=2'],
    htmlHas: ['<body><a href="https://a.test/x?a=1&amp;b=2">X</a></body>'],
    htmlLacks: ['t.test', '<img'],
  },
  {
    name: 'data-spoor-untracked leaves a link alone and is removed from the email',
    content: { html: '<a data-spoor-untracked href="https://a.test/private">P</a>' },
    links: [],
    htmlHas: ['<a href="https://a.test/private">P</a>'],
    htmlLacks: ['data-spoor-untracked'],
  },
  {
    name: 'the attribute name inside another attribute value does not untrack',
    content: { html: '<a title="data-spoor-untracked" href="https://a.test/t">T</a>' },
    links: ['https://a.test/t'],
    htmlHas: ['title="data-spoor-untracked" href="https://t.test/e/c/T0"'],
  },
  {
    name: 'mailto, tel and anchors are not tracked',
    content: {
      html: '<a href="mailto:hi@a.test">Mail</a><a href="tel:+331">Call</a><a href="#top">Top</a><a name="x">',
    },
    links: [],
    htmlHas: ['href="mailto:hi@a.test"', 'href="tel:+331"', 'href="#top"'],
  },
  {
    name: 'hrefs built from merge fields stay untracked (they differ per contact)',
    content: {
      html: '<a href="https://a.test/u/{{ contact.email }}">Me</a><a href="{{ contact.custom.site }}">Site</a>',
    },
    contact: { email: 'ada@example.com', custom: { site: 'https://ada.test/' } },
    links: [],
    htmlHas: ['href="https://a.test/u/ada@example.com"', 'href="https://ada.test/"'],
  },
  {
    name: 'single-quoted and unquoted hrefs are tracked too',
    content: { html: "<a class='x' href='https://a.test/sq'>S</a><a href=https://a.test/uq>U</a>" },
    links: ['https://a.test/sq', 'https://a.test/uq'],
    htmlHas: [`<a class='x' href="https://t.test/e/c/T0">S</a>`, '<a href="https://t.test/e/c/T1">U</a>'],
  },
  {
    name: 'character references in an href are decoded for the stored destination',
    content: { html: '<a href="https://a.test/?a=1&amp;b=2&#38;c=&#x33;">Q</a>' },
    links: ['https://a.test/?a=1&b=2&c=3'],
  },
  {
    name: 'a quote in a destination cannot break out of the attribute in a preview',
    content: { html: '<a href="https://a.test/?q=&quot;x&quot;&amp;y=1">Q</a>' },
    tracked: false,
    links: ['https://a.test/?q="x"&y=1'],
    htmlHas: ['<a href="https://a.test/?q=&quot;x&quot;&amp;y=1">Q</a>'],
  },
  {
    name: '">" inside a quoted attribute does not end the tag',
    content: { html: '<a title="a > b" href="https://a.test/gt">G</a>' },
    links: ['https://a.test/gt'],
    htmlHas: ['<a title="a > b" href="https://t.test/e/c/T0">G</a>'],
  },
  {
    name: "Outlook's VML button is tracked like a link",
    content: {
      html: '<!--[if mso]><v:roundrect href="https://a.test/buy" arcsize="10%"><![endif]--><a href="https://a.test/buy">Buy</a>',
    },
    links: ['https://a.test/buy', 'https://a.test/buy'],
    htmlHas: ['<v:roundrect href="https://t.test/e/c/T0" arcsize="10%">', '<a href="https://t.test/e/c/T1">'],
  },
  {
    name: 'the open pixel goes just before the last </body>',
    content: { html: '<html><body><!-- </body> --><p>Hi</p></body></html>' },
    htmlHas: [
      '<p>Hi</p><img src="https://t.test/e/o/PX.gif" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;margin:0;padding:0"></body></html>',
    ],
  },
  {
    name: 'without a body element the pixel goes at the end',
    content: { html: '<p>Hi</p>' },
    htmlHas: ['<p>Hi</p><img src="https://t.test/e/o/PX.gif"'],
  },
  {
    name: 'the honeypot is the last position, hidden, empty, and only in the HTML',
    content: { html: '<body><a href="https://a.test/1">One</a></body>', text: null },
    links: ['https://a.test/1'],
    htmlHas: [
      '<body><a href="https://t.test/e/c/T1" style="display:none;font-size:0;line-height:0;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all" aria-hidden="true" tabindex="-1"></a><a href="https://t.test/e/c/T0">One</a>',
    ],
    text: 'One [https://t.test/e/c/T0]',
  },
  {
    name: 'merge values are HTML-escaped in the HTML but not in the text or subject',
    content: {
      subject: 'For {{ contact.company }}',
      html: '<p>Hello {{ contact.first_name }} of {{ contact.company }}</p>',
      text: 'Hello {{ contact.first_name }} of {{ contact.company }}',
    },
    subject: 'For Tom & Jerry <Ltd>',
    htmlHas: ['<p>Hello Ada of Tom &amp; Jerry &lt;Ltd&gt;</p>'],
    text: 'Hello Ada of Tom & Jerry <Ltd>',
  },
  {
    name: 'custom fields and missing values',
    content: { html: '<p>{{ contact.custom.plan }}|{{ contact.phone }}|{{ contact.nothing }}</p>' },
    htmlHas: ['<p>pro||</p>'],
  },
  {
    name: 'newlines in the subject become spaces, also from merge values',
    content: { subject: 'Hi\r\n{{ contact.first_name }}\n' },
    contact: { first_name: 'Ada\nBcc: x@evil.test' },
    subject: 'Hi Ada Bcc: x@evil.test',
  },
  {
    name: 'the text part is made from the HTML, merge fields intact in headings',
    content: {
      html: '<h1>Hello {{ contact.first_name }}</h1><p>Read <a href="https://a.test/r">this</a>.</p>',
      text: null,
    },
    links: ['https://a.test/r'],
    text: 'Hello Ada\n\nRead this [https://t.test/e/c/T0].',
  },
  {
    name: 'the made text part keeps alt text, and leaves out a link with no label instead of a bare address',
    content: {
      html: '<a href="https://a.test/home"><img src="https://a.test/l.png"></a><p><img src="https://a.test/x.png" alt="Shop logo"> Hi {{ contact.first_name }}</p><p><a href="https://a.test/r"><img src="https://a.test/b.png" alt="Buy now"></a></p>',
      text: null,
    },
    links: ['https://a.test/home', 'https://a.test/r'],
    text: 'Shop logo Hi Ada\n\nBuy now [https://t.test/e/c/T1]',
  },
  {
    name: 'alt text that depends on the contact is made per recipient',
    content: {
      html: '<p><img src="https://a.test/x.png" alt="For {{ contact.first_name }}"> Hello</p>',
      text: null,
    },
    text: 'For Ada Hello',
  },
  {
    name: 'the made text part is plain: merge values unescaped, entities decoded, braces literal',
    content: { html: '<p>{{ contact.company }} &amp; &#123;&#123; friends &#125;&#125;</p>', text: null },
    text: 'Tom & Jerry <Ltd> & {{ friends }}',
  },
  {
    name: 'markup the converter would drop (a loop between list items) still makes a text part',
    content: {
      html: '<ul>{% for i in contact.custom.items %}<li>{{ i }}</li>{% endfor %}</ul><img alt="{% if x %}y{% endif %}" src="https://a.test/i.png">',
      text: null,
    },
    contact: { custom: { items: ['a<b', 'c'] } },
    text: ' * a<b\n * c',
  },
  {
    name: 'a hand-written text part shares positions with the same URLs in the HTML',
    content: {
      html: '<a href="https://a.test/1">One</a><a href="https://a.test/2">Two</a>',
      text: 'Two: https://a.test/2\nThree: https://a.test/3\nOne: https://a.test/1',
    },
    links: ['https://a.test/1', 'https://a.test/2', 'https://a.test/3'],
    text: 'Two: https://t.test/e/c/T1\nThree: https://t.test/e/c/T2\nOne: https://t.test/e/c/T0',
  },
  {
    name: 'a sentence ending after a URL keeps its full stop outside the link',
    content: {
      html: '<a href="https://a.test/page">Page</a>',
      text: 'See https://a.test/page. Or (https://a.test/page), or https://w.test/Foo_(bar)!',
    },
    links: ['https://a.test/page', 'https://w.test/Foo_(bar)'],
    text: 'See https://t.test/e/c/T0. Or (https://t.test/e/c/T0), or https://t.test/e/c/T1!',
  },
  {
    name: 'a text URL built from a merge field stays untracked',
    content: { text: 'Yours: https://a.test/u/{{ contact.email }}' },
    links: [],
    text: 'Yours: https://a.test/u/ada@example.com',
  },
  {
    name: 'the unsubscribe URL merge field, in both parts',
    content: {
      html: '<a href="{{ unsubscribe_url }}">Unsubscribe</a>',
      text: 'Unsubscribe: {{ unsubscribe_url }}',
    },
    links: [],
    htmlHas: ['<a href="https://t.test/e/u/U">Unsubscribe</a>'],
    text: 'Unsubscribe: https://t.test/e/u/U',
  },
  {
    // Made once per message (the URL tags put in literally before conversion), read as made per recipient.
    name: 'a text part made from HTML linking the URL tags keeps each link after its label',
    content: {
      html: '<h1>Hi {{ contact.first_name }}</h1><p><a href="{{ unsubscribe_url }}">Unsubscribe</a> or <a href="{{forward_url}}">forward it</a></p>',
      text: null,
    },
    text: 'Hi Ada\n\nUnsubscribe [https://t.test/e/u/U] or forward it [https://t.test/forward?token=F.1&y=3]',
  },
  {
    name: 'the subscription center merge field, in both parts (escaped in the HTML), never tracked',
    content: {
      html: '<a href="{{ subscription_center_url }}">Your lists</a>',
      text: 'Your lists: {{ subscription_center_url }}',
    },
    links: [],
    htmlHas: ['<a href="https://t.test/subscriptions?token=S.1&amp;x=2">Your lists</a>'],
    text: 'Your lists: https://t.test/subscriptions?token=S.1&x=2',
  },
  {
    name: 'the subscription center in a preview is a placeholder',
    content: { html: '<a href="{{ subscription_center_url }}">Your lists</a>' },
    tracked: false,
    htmlHas: ['<a href="#subscription-center">Your lists</a>'],
  },
  {
    name: 'the forward form merge field, in both parts (escaped in the HTML), never tracked',
    content: {
      html: '<a href="{{ forward_url }}">Forward</a>',
      text: 'Forward: {{ forward_url }}',
    },
    links: [],
    htmlHas: ['<a href="https://t.test/forward?token=F.1&amp;y=3">Forward</a>'],
    text: 'Forward: https://t.test/forward?token=F.1&y=3',
  },
  {
    name: 'the forward form in a preview is a placeholder',
    content: { html: '<a href="{{ forward_url }}">Forward</a>' },
    tracked: false,
    htmlHas: ['<a href="#forward">Forward</a>'],
  },
  {
    name: "a contact's own email says so to templates",
    content: {
      html: '<p>{{ recipient.kind }} {% if recipient.forwarded_copy %}copy{% else %}own{% endif %}</p>',
    },
    htmlHas: ['<p>contact own</p>'],
  },
  {
    name: 'a merge value cannot pose as a link placeholder',
    content: { html: '<p>{{ contact.first_name }}</p>' },
    contact: { first_name: 'https://spoor.invalid/link/0/' },
    htmlHas: ['<p>https://spoor.invalid/link/0/</p>'],
  },
];

function render(c: Case) {
  const prepared = prepareMessage({
    subject: 'Subject',
    html: '<p>Body</p>',
    text: 'Text',
    ...c.content,
  });
  return { prepared, email: prepared.render(c.contact ?? ada, c.tracked === false ? null : urls) };
}

describe('prepareMessage and render', () => {
  it.each(cases)('$name', (c) => {
    const { prepared, email } = render(c);
    const honeypot = prepared.links[prepared.links.length - 1]!;
    expect(honeypot).toEqual({ position: prepared.links.length - 1, url: 'about:blank', honeypot: true });
    if (c.links) {
      expect(prepared.links.slice(0, -1)).toEqual(
        c.links.map((url, position) => ({ position, url, honeypot: false })),
      );
    }
    if (c.subject !== undefined) expect(email.subject).toBe(c.subject);
    for (const part of c.htmlHas ?? []) expect(email.html).toContain(part);
    for (const part of c.htmlLacks ?? []) expect(email.html).not.toContain(part);
    if (c.text !== undefined) expect(email.text).toBe(c.text);
    for (const part of c.textHas ?? []) expect(email.text).toContain(part);
  });
});

describe('templates that cannot be used', () => {
  it.each([
    { name: 'unclosed output', content: { html: '<p>{{ contact.first_name </p>' }, part: 'HTML body' },
    { name: 'unclosed tag', content: { html: '{% if contact.email %}yes' }, part: 'HTML body' },
    { name: 'unknown filter', content: { subject: '{{ contact.email | shout }}' }, part: 'subject' },
    { name: 'bad text part', content: { text: '{% for %}' }, part: 'text part' },
    { name: 'include reads no file', content: { html: "{% include 'package.json' %}" }, part: 'HTML body' },
    { name: 'render reads no file', content: { text: "{% render 'package.json' %}" }, part: 'text part' },
  ])('$name → unprocessable naming the part', ({ content, part }) => {
    const attempt = () => prepareMessage({ subject: 'S', html: '<p>B</p>', text: null, ...content });
    expect(attempt).toThrow(AppError);
    try {
      attempt();
    } catch (error) {
      expect((error as AppError).code).toBe('unprocessable');
      expect((error as AppError).message).toMatch(new RegExp(`^The ${part} is not a valid template: `));
    }
  });

  it('a runaway loop stops with unprocessable instead of stalling the send', () => {
    const prepared = prepareMessage({
      subject: 'S',
      html: '{% for i in (1..100000000) %}x{% endfor %}',
      text: 'T',
    });
    expect(() => prepared.render({}, null)).toThrow(/could not be rendered/);
  });
});

describe('offer links ({{ offer "ID" }})', () => {
  const html = `<p><a href='{{ offer "W1nterOffer" }}'>Claim</a> <a href="{{offer 'Spr1ng'}}">Spring</a>
    <a href="https://shop.test/">Shop</a> {{ contact.first_name }}</p>`;
  const withOffers = { ...urls, offer: (id: string) => `https://t.test/o/SEALED-${id}` };

  it('finds each offer once and keeps them out of the tracked links', () => {
    const prepared = prepareMessage({ subject: 'S', html: html + html, text: null });
    expect(prepared.offerIds).toEqual(['W1nterOffer', 'Spr1ng']);
    expect(prepared.links.filter((l) => !l.honeypot).map((l) => l.url)).toEqual([
      'https://shop.test/',
      'https://shop.test/',
    ]);
  });

  it.each([
    ['a recipient: their sealed link', withOffers, {}, 'https://t.test/o/SEALED-W1nterOffer'],
    [
      'a copy for someone else: the public link',
      urls,
      { offerPage: (id: string) => `https://t.test/offers/${id}` },
      'https://t.test/offers/W1nterOffer',
    ],
    ['a preview: a placeholder', null, {}, '#offer-W1nterOffer'],
  ] as const)('renders for %s', (_name, recipientUrls, options, expected) => {
    const rendered = prepareMessage({ subject: 'S', html, text: null }, options).render(ada, recipientUrls);
    expect(rendered.html).toContain(`href='${expected}'`);
    expect(rendered.text).toContain(expected);
    expect(rendered.html).not.toContain('spoor-offer');
  });

  it('leaves a look-alike written by a merge value alone', () => {
    const rendered = prepareMessage({
      subject: 'S',
      html: '<p>{{ contact.first_name }}</p>',
      text: null,
    }).render({ first_name: 'spoor-offer:abc:W1nterOffer:' }, withOffers);
    expect(rendered.html).toContain('spoor-offer:abc:W1nterOffer:');
  });
});
