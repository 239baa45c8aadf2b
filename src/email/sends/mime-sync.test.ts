// The synchronous MIME writer must write exactly what nodemailer's streams write for the same tree:
// checked byte for byte over the shapes Spoor sends (ASCII, accents and emoji, long lines, trailing
// spaces, dots and "From " at line starts, no text part), with the boundary and date pinned.
import { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { mimeOf } from './mime-sync.ts';

const long = 'word '.repeat(60);
const CASES: Record<string, { subject: string; html: string; text?: string }> = {
  ascii: { subject: 'Spring news', html: '<p>Hello Ann</p>', text: 'Hello Ann' },
  accents: {
    subject: 'Prénom Zoë — nouveautés 🌷',
    html: '<p>Chère Zoë, voilà les nouveautés 🌷</p>',
    text: 'Chère Zoë, voilà 🌷',
  },
  'long lines and trailing spaces': {
    subject: `A long subject ${long}`,
    html: `<p>${long}</p>\n<p>trailing   \n.dot line\nFrom here</p>${'x'.repeat(300)}`,
    text: `${long}\ntrailing \t\n.\nFrom me`,
  },
  'html only': {
    subject: 'Only HTML',
    html: `<html><body><a href="https://t.example/e/c/${'A'.repeat(90)}">x</a></body></html>`,
  },
  'CRLF and lone CR': { subject: 'Line ends', html: '<p>a\r\nb\rc\nd</p>', text: 'a\r\nb\rc\nd' },
};

async function streamed(mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer(mail).compile().build();
}

describe('mimeOf', () => {
  for (const [name, content] of Object.entries(CASES)) {
    it(`writes what nodemailer streams: ${name}`, async () => {
      const mail = {
        from: { name: 'Zoë from Shop', address: 'news@shop.example' },
        to: 'reader@example.com',
        replyTo: 'help@shop.example',
        subject: content.subject,
        html: content.html,
        ...(content.text === undefined ? {} : { text: content.text }),
        messageId: '<abc.def@track.example>',
        date: new Date('2026-03-01T10:00:00Z'),
        baseBoundary: 'pinned',
        list: { unsubscribe: { url: 'https://track.example/e/u/TOKEN', comment: '' } },
        headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'X-Spoor-Send': 'a.b.c' },
      };
      const expected = await streamed(mail);
      const written = mimeOf(new MailComposer(mail).compile());
      expect(written?.toString('utf8')).toBe(expected.toString('utf8'));
    });
  }

  it('leaves anything but strings to nodemailer', () => {
    const root = new MailComposer({
      from: 'a@example.com',
      to: 'b@example.com',
      raw: 'Subject: x\r\n\r\nhi',
    }).compile();
    expect(mimeOf(root)).toBeNull();
  });

  it('leaves a message with a part that is not a string to nodemailer', () => {
    const root = new MailComposer({
      from: 'a@example.com',
      to: 'b@example.com',
      text: 'hi',
      html: '<p>hi</p>',
      attachments: [{ filename: 'a.txt', content: Readable.from(['streamed']) }],
    }).compile();
    expect(mimeOf(root)).toBeNull();
  });
});
