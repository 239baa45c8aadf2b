// A friend's forwarded copy carries nothing of the forwarder's: table cases over the one render rule
// (renderForwardedCopy) and the note the copy starts with.
import { describe, expect, it } from 'vitest';
import type { CopyTrackingUrls } from '../engagement/tracking-urls.ts';
import { type MessageContent, prepareMessage } from '../messages/render-email.ts';
import { FORWARDED_NOTE, withForwardedNote } from './compose-copy.ts';

const copy: CopyTrackingUrls = {
  pixel: 'https://t.test/e/fo/COPY.gif',
  click: (position) => `https://t.test/e/fc/C${position}`,
};
const forwarder = { first_name: 'Ada', email: 'ada@example.com', custom: { plan: 'pro' } };
const ownUrls = {
  pixel: 'https://t.test/e/o/ADA.gif',
  click: (position: number) => `https://t.test/e/c/ADA${position}`,
  unsubscribe: 'https://t.test/e/u/ADA',
  subscriptionCenter: 'https://t.test/subscriptions?token=ADA',
  forward: 'https://t.test/forward?token=ADA',
};

const cases: {
  name: string;
  content: Partial<MessageContent>;
  has: string[];
  lacks?: string[];
  textHas?: string[];
}[] = [
  {
    name: 'merge fields render with no contact: empty, or their default',
    content: {
      subject: 'Hello {{ contact.first_name | default: "friend" }}',
      html: '<p>Hi {{ contact.first_name | default: "there" }} ({{ contact.email }}) {{ contact.custom.plan }}</p>',
    },
    has: ['<p>Hi there () </p>'],
  },
  {
    name: 'unsubscribe, subscription center and forward links are inert anchors, in both parts',
    content: {
      html: '<a href="{{ unsubscribe_url }}">U</a><a href="{{ subscription_center_url }}">S</a><a href="{{ forward_url }}">F</a>',
      text: 'U {{ unsubscribe_url }} S {{ subscription_center_url }} F {{ forward_url }}',
    },
    has: ['href="#unsubscribe"', 'href="#subscription-center"', 'href="#forward"'],
    textHas: ['U #unsubscribe S #subscription-center F #forward'],
  },
  {
    name: "tracked links and the pixel are the copy's own",
    content: { html: '<html><body><a href="https://shop.test/a">A</a></body></html>' },
    has: [
      'href="https://t.test/e/fc/C0"',
      'src="https://t.test/e/fo/COPY.gif"',
      'href="https://t.test/e/fc/C1"',
    ],
  },
  {
    name: 'templates (and per-recipient tags) can tell a forwarded copy',
    content: { html: '<p>{{ recipient.kind }}{% if recipient.forwarded_copy %} neutral{% endif %}</p>' },
    has: ['<p>forwarded_copy neutral</p>'],
  },
];

describe('renderForwardedCopy', () => {
  it.each(cases)('$name', ({ content, has, lacks, textHas }) => {
    const prepared = prepareMessage({ subject: 'S', html: '<p>B</p>', text: null, ...content });
    // The forwarder's own email, rendered first from the same prepared message, leaks nothing into the copy.
    prepared.render(forwarder, ownUrls);
    const rendered = prepared.renderForwardedCopy(copy);
    const all = `${rendered.subject}\n${rendered.html}\n${rendered.text}`;
    for (const part of has) expect(all).toContain(part);
    for (const part of lacks ?? []) expect(all).not.toContain(part);
    for (const part of textHas ?? []) expect(rendered.text).toContain(part);
    for (const theirs of [
      'Ada',
      'ada@example.com',
      'pro',
      'ADA',
      '/e/o/',
      '/e/c/',
      '/e/u/',
      'subscriptions?',
      'forward?',
    ])
      expect(all).not.toContain(theirs);
  });

  it('the copy starts with a note that names no one, in both parts', () => {
    const rendered = prepareMessage({
      subject: 'S',
      html: '<html><body><p>B</p></body></html>',
      text: null,
    }).renderForwardedCopy(copy);
    const noted = withForwardedNote(rendered);
    expect(noted.html).toMatch(
      /^<html><body><p [^>]+>Someone who receives our emails forwarded this one to you/,
    );
    expect(noted.text.startsWith(FORWARDED_NOTE)).toBe(true);
    expect(noted.subject).toBe('S');
  });
});
