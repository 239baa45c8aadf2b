// Content people type into Spoor, over HTTP on SQLite and PostgreSQL: link destinations in email HTML and
// form redirects are stored as ASCII and always redirect (also values stored before that rule, written
// straight into the database); form patterns run on RE2, and the syntax it cannot run is refused at save.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendFixture, pathOf } from './helpers/email-fixtures.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { CHROME_UA, type RunningSpoor, startSpoor } from './helpers/spoor.ts';

const BOOKS = 'https://bücher.example/straße?q=ä';
const BOOKS_ASCII = 'https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%A4';
const ASCII_HEADER = /^[\x21-\x7e]+$/;

let ipCounter = 0;
const nextIp = () => {
  ipCounter += 1;
  return `198.51.100.${(ipCounter % 250) + 1}`;
};

describeEachEngine('user content', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    spoor = await startSpoor(database, { collectRateLimit: 100_000, formRateLimit: 100_000 });
  });
  afterAll(async () => {
    await spoor.close();
    await database.drop();
  });

  const db = () => spoor.storage.db;
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    spoor.app.inject({
      method,
      url,
      headers: spoor.auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const click = (url: string) =>
    spoor.app.inject({
      method: 'GET',
      url: pathOf(url),
      remoteAddress: nextIp(),
      headers: { 'user-agent': CHROME_UA },
    });
  const clicksOf = (sendId: string) =>
    db()
      .selectFrom('email_events')
      .select(['kind', 'link_position'])
      .where('send_id', '=', sendId)
      .where('kind', '=', 'click')
      .execute();

  describe('email link destinations', () => {
    it('a non-ASCII link is saved, previewed and sent as ASCII, and its click redirects there', async () => {
      const html = `<html><body><a href="${BOOKS}">Bücher</a> <a href=https://shop.test/sale?utm_source=news>Sale</a></body></html>`;
      const created = await api('POST', '/api/messages', { name: 'Books', subject: 'Books', html });
      expect(created.statusCode, created.body).toBe(201);
      const contact = await api('POST', '/api/contacts', { email: `books-${engine}@example.com` });
      const preview = await api('POST', `/api/messages/${created.json().id}/preview`, {
        contactId: contact.json().id,
      });
      expect(preview.statusCode, preview.body).toBe(200);
      expect(preview.json().links).toEqual([
        { position: 0, url: BOOKS_ASCII },
        { position: 1, url: 'https://shop.test/sale?utm_source=news' },
      ]);

      const fixture = await createSendFixture(spoor, { html });
      const urls = fixture.contacts[0]!.urls;
      const books = await click(urls.click(0));
      expect(books.statusCode, books.body).toBe(302);
      expect(books.headers['location']).toBe(BOOKS_ASCII);
      const sale = await click(urls.click(1));
      expect(sale.statusCode).toBe(302);
      expect(sale.headers['location']).toBe('https://shop.test/sale?utm_source=news');
      expect(await clicksOf(fixture.sendId)).toHaveLength(2);
    });

    it.each([
      {
        name: 'an encoded CR LF',
        href: 'https://shop.test/%0d%0aSet-Cookie:x',
        problem: 'encoded control character',
      },
      {
        name: 'a control character reference',
        href: 'https://shop.test/?a=1&#1;',
        problem: 'control character',
      },
      {
        name: 'a DEL character reference',
        href: 'https://shop.test/?a=1&#127;',
        problem: 'control character',
      },
    ])('a link with $name is refused when the message is saved, naming it', async ({ href, problem }) => {
      const res = await api('POST', '/api/messages', {
        name: 'Bad link',
        subject: 'S',
        html: `<p><a href="${href}">X</a></p>`,
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().message).toMatch(
        /^A link in the HTML body cannot be tracked\. The address "https:\/\/shop\.test\//,
      );
      expect(res.json().message).toContain(problem);
      expect(res.json().message).toContain('data-spoor-untracked');
    });

    it('HTML nested deeper than the call stack is refused with a 422, not a 500', async () => {
      const html = `<html><body>${'<div>'.repeat(5_000)}<a href="https://shop.test/deep">Deep</a></body></html>`;
      const res = await api('POST', '/api/messages', { name: 'Deep', subject: 'S', html });
      expect(res.statusCode).toBe(422);
      expect(res.json().message).toMatch(/^The message could not be rendered: /);
      const withText = await api('POST', '/api/messages', { name: 'Deep', subject: 'S', html, text: 'Hi' });
      expect(withText.statusCode, withText.body).toBe(201);
    });

    it('destinations stored before normalisation still redirect: no 500, the click is recorded', async () => {
      const fixture = await createSendFixture(spoor, {
        html: '<a href="https://a.test/1">1</a><a href="https://a.test/2">2</a><a href="https://a.test/3">3</a>',
      });
      // As old data: written straight into the table, bypassing every save-time rule.
      const store = (position: number, url: string) =>
        db()
          .updateTable('send_links')
          .set({ url })
          .where('send_id', '=', fixture.sendId)
          .where('position', '=', position)
          .execute();
      await store(0, BOOKS);
      await store(1, 'https://shop.test/\r\nSet-Cookie: x=1');
      await store(2, 'https://shop.test/😀?q=a b');
      const urls = fixture.contacts[0]!.urls;

      const books = await click(urls.click(0));
      expect(books.statusCode, books.body).toBe(302);
      expect(books.headers['location']).toBe(BOOKS_ASCII);

      const split = await click(urls.click(1));
      expect(split.statusCode).toBe(422);
      expect(split.headers['location']).toBeUndefined();
      expect(split.headers['set-cookie']).toBeUndefined();
      expect(split.body).toContain('This link cannot be opened');

      const emoji = await click(urls.click(2));
      expect(emoji.statusCode).toBe(302);
      expect(emoji.headers['location']).toBe('https://shop.test/%F0%9F%98%80?q=a%20b');
      expect(String(emoji.headers['location'])).toMatch(ASCII_HEADER);

      expect((await clicksOf(fixture.sendId)).map((c) => c.link_position).sort()).toEqual([0, 1, 2]);
    });
  });

  describe('forms', () => {
    let slug = 0;
    const form = (overrides: Record<string, unknown>) => {
      slug += 1;
      return api('POST', '/api/forms', {
        name: 'Signup',
        fields: [
          { key: 'email', type: 'email', label: 'Email', required: true },
          { key: 'company', type: 'text', label: 'Company' },
        ],
        page: { slug: `signup-${engine}-${slug}`, title: 'Sign up' },
        ...overrides,
      });
    };
    const submitHtml = (formId: string, body: string) =>
      spoor.app.inject({
        method: 'POST',
        url: `/f/${formId}`,
        remoteAddress: nextIp(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': CHROME_UA },
        payload: body,
      });
    const submitJson = (formId: string, fields: Record<string, unknown>) =>
      spoor.app.inject({
        method: 'POST',
        url: `/f/${formId}`,
        remoteAddress: nextIp(),
        headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
        payload: fields,
      });
    const submissionsOf = (formId: string) =>
      db().selectFrom('form_submissions').select('id').where('form_id', '=', formId).execute();

    it('a non-ASCII redirect is stored as ASCII and the submission goes there', async () => {
      const res = await form({
        afterSubmit: { kind: 'redirect', url: 'https://bücher.example/danke?name=Jürgen' },
      });
      expect(res.statusCode, res.body).toBe(201);
      const stored = 'https://xn--bcher-kva.example/danke?name=J%C3%BCrgen';
      expect(res.json().definition.afterSubmit).toEqual({ kind: 'redirect', url: stored });
      const id = res.json().id as string;
      const html = await submitHtml(id, 'email=ada%40example.com');
      expect(html.statusCode, html.body).toBe(303);
      expect(html.headers['location']).toBe(stored);
      const json = await submitJson(id, { email: 'grace@example.com' });
      expect(json.statusCode, json.body).toBe(200);
      expect(json.json()).toMatchObject({ ok: true, redirect: stored });
      expect(await submissionsOf(id)).toHaveLength(2);
    });

    it.each([
      { url: 'https://shop.test/thanks%0D%0ASet-Cookie:x', problem: 'encoded control character' },
      { url: 'https://shop.test/thanks\r\nSet-Cookie: x', problem: 'control character' },
    ])('a redirect holding CR LF is refused with 422: $url', async ({ url, problem }) => {
      const res = await form({ afterSubmit: { kind: 'redirect', url } });
      expect(res.statusCode).toBe(422);
      expect(res.json().message).toMatch(/^The redirect cannot be used\. The address /);
      expect(res.json().message).toContain(problem);
    });

    it('a redirect stored before normalisation still answers: non-ASCII redirects, CR LF thanks instead', async () => {
      const created = await form({ afterSubmit: { kind: 'redirect', url: 'https://shop.test/thanks' } });
      const id = created.json().id as string;
      const storeRedirect = async (url: string) => {
        const row = await db()
          .selectFrom('forms')
          .select('definition')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        const definition = { ...JSON.parse(row.definition), afterSubmit: { kind: 'redirect', url } };
        await db()
          .updateTable('forms')
          .set({ definition: JSON.stringify(definition) })
          .where('id', '=', id)
          .execute();
      };

      await storeRedirect('https://bücher.example/straße?q=ä');
      const html = await submitHtml(id, 'email=ada%40example.com');
      expect(html.statusCode, html.body).toBe(303);
      expect(html.headers['location']).toBe(BOOKS_ASCII);

      await storeRedirect('https://shop.test/\r\nSet-Cookie: x=1');
      const page = await submitHtml(id, 'email=grace%40example.com');
      expect(page.statusCode).toBe(200);
      expect(page.headers['location']).toBeUndefined();
      expect(page.body).toContain('Thank you!');
      const json = await submitJson(id, { email: 'lin@example.com' });
      expect(json.statusCode).toBe(200);
      expect(json.json()).toMatchObject({ ok: true, message: 'Thank you!' });
      expect(json.json().redirect).toBeUndefined();
      expect(await submissionsOf(id)).toHaveLength(3);
    });

    it.each([
      { pattern: '(\\w)\\1', problem: 'backreferences such as \\1 are not supported' },
      { pattern: '(?=.*\\d)\\w+', problem: 'lookahead such as (?=…) or (?!…) is not supported' },
      { pattern: '(?<=x)y', problem: 'lookbehind such as (?<=…) or (?<!…) is not supported' },
    ])(
      'a pattern RE2 cannot run is refused at save with 422 naming the field: $pattern',
      async ({ pattern, problem }) => {
        const res = await form({
          fields: [
            { key: 'email', type: 'email', label: 'Email', required: true },
            { key: 'company', type: 'text', label: 'Company', pattern },
          ],
        });
        expect(res.statusCode).toBe(422);
        expect(res.json().message).toBe(
          `Field "company" has a pattern Spoor cannot use: ${problem}. Patterns use RE2 syntax, which always runs in linear time.`,
        );
      },
    );

    it('a catastrophic pattern with a crafted value is answered with the right verdict', async () => {
      // With the backtracking engine this submission froze the server (2.4 s at 29 characters, four
      // times longer for every two more); here the value is 400 characters.
      const res = await form({
        fields: [
          { key: 'email', type: 'email', label: 'Email', required: true },
          {
            key: 'company',
            type: 'text',
            label: 'Company',
            pattern: '([A-Za-z0-9]+\\s?)+',
            patternMessage: 'Letters, digits and single spaces.',
          },
        ],
      });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id as string;
      const crafted = await submitJson(id, { email: 'ada@example.com', company: `${'a'.repeat(400)}!` });
      expect(crafted.statusCode).toBe(422);
      expect(crafted.json().details.fields).toEqual({ company: 'Letters, digits and single spaces.' });
      const fine = await submitJson(id, { email: 'ada@example.com', company: 'Acme Widgets 2' });
      expect(fine.statusCode, fine.body).toBe(200);
      // The pattern never reaches a browser (the embed definition and the hosted page leave it out), so
      // no visitor's engine runs it and no client can disagree with the server's verdict.
      const definition = await spoor.app.inject({ method: 'GET', url: `/f/${id}.json` });
      expect(definition.body).not.toContain('pattern');
      const page = await spoor.app.inject({ method: 'GET', url: `/p/signup-${engine}-${slug}` });
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('pattern');
    });
  });
});
