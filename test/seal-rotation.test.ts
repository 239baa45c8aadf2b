// One seal, one rotation rule, on SQLite and PostgreSQL (the keys live in the database): every signed
// value sealed with key 1 still opens after a rotation while new ones use key 2, and is refused as
// retired once key 1 is; then the same through a running server (a real send over SMTP, its click,
// the handoff the click carries and the X-Spoor-Send header) across a rotation and a retirement, with
// a restart between each as an operator does it. Also: values signed by the code before the seal.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSendHeader, sendHeaderValue } from '../src/email/bounces/send-header.ts';
import { HANDOFF_LIFETIME_MS, signHandoff, verifyHandoff } from '../src/identity/handoff.ts';
import { newId } from '../src/lib/ids.ts';
import type { TokenKind } from '../src/lib/tokens.ts';
import type { Opened } from '../src/platform/seal.ts';
import {
  type InstallSecrets,
  LEGACY_WINDOW_MS,
  loadInstallSecrets,
  retireStoredSealKey,
  rotateStoredSealKey,
} from '../src/secrets/install-secrets.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { CHROME_UA, type RunningSpoor, sendFinished, startSpoor } from './helpers/spoor.ts';
import {
  addToList,
  createContact,
  createForm,
  createList,
  createMessage,
  createWebsite,
} from './support/factories.ts';

const SEND = newId();
const CONTACT = newId();
const VISITOR = newId();

/** Every kind of signed value: how it is sealed, how it opens (with the seal's verdict), what it names. */
const emailToken = (kind: TokenKind, position: number) => ({
  seal: (s: InstallSecrets) => s.signer.sign({ kind, sendId: SEND, contactId: CONTACT, position }),
  open: (s: InstallSecrets, value: string): Opened<unknown> => s.signer.open(value, kind),
  names: { kind, sendId: SEND, contactId: CONTACT, position },
});
const SIGNED_VALUES = {
  'email open token': emailToken('open', 0),
  'email click token': emailToken('click', 4),
  'email unsubscribe token': emailToken('unsubscribe', 0),
  'click handoff': {
    seal: (s: InstallSecrets) => signHandoff(s.seal, VISITOR, Date.now()),
    open: (s: InstallSecrets, value: string): Opened<unknown> => {
      const opened = s.seal.openText('click handoff', value);
      return opened.ok ? { ...opened, value: verifyHandoff(s.seal, value, Date.now()) } : opened;
    },
    names: VISITOR,
  },
  'send header': {
    seal: (s: InstallSecrets) => sendHeaderValue(s, SEND, CONTACT),
    open: (s: InstallSecrets, value: string): Opened<unknown> => {
      const opened = s.seal.openText('send header', value);
      return opened.ok ? { ...opened, value: parseSendHeader(s, value) } : opened;
    },
    names: { sendId: SEND, contactId: CONTACT },
  },
};
const KINDS = Object.entries(SIGNED_VALUES);

describeEachEngine('one seal across a key rotation', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('every signed value: sealed with key 1, opens after a rotation, new ones use key 2, refused once key 1 retires', async () => {
    const storage = database.open();
    try {
      // Each load is a node (re)starting: it reads the keys the database holds then.
      const before = await loadInstallSecrets(storage.db, undefined);
      const old = Object.fromEntries(KINDS.map(([name, kind]) => [name, kind.seal(before)]));
      for (const [name, kind] of KINDS)
        expect(kind.open(before, old[name]!), name).toEqual({ ok: true, value: kind.names, keyVersion: 1 });

      expect(await rotateStoredSealKey(storage.db)).toBe(2);
      const rotated = await loadInstallSecrets(storage.db, undefined);
      for (const [name, kind] of KINDS) {
        expect(kind.open(rotated, old[name]!), `${name} of key 1`).toEqual({
          ok: true,
          value: kind.names,
          keyVersion: 1,
        });
        expect(kind.open(rotated, kind.seal(rotated)), `a new ${name}`).toEqual({
          ok: true,
          value: kind.names,
          keyVersion: 2,
        });
      }
      const fresh = Object.fromEntries(KINDS.map(([name, kind]) => [name, kind.seal(rotated)]));

      expect(await retireStoredSealKey(storage.db, 1)).toEqual({ retired: 1, remaining: [2] });
      const retired = await loadInstallSecrets(storage.db, undefined);
      for (const [name, kind] of KINDS) {
        expect(kind.open(retired, old[name]!), `${name} of key 1`).toEqual({
          ok: false,
          error: 'retired-key',
        });
        expect(kind.open(retired, fresh[name]!), `${name} of key 2`).toMatchObject({
          ok: true,
          keyVersion: 2,
        });
      }
      // Each refusal is what users meet: the domain reads nothing from a retired value.
      expect(await retired.verify(old['email click token']!, 'click')).toBeNull();
      expect(verifyHandoff(retired.seal, old['click handoff']!, Date.now())).toBeNull();
      expect(parseSendHeader(retired, old['send header']!)).toBeNull();
      await expect(retireStoredSealKey(storage.db, 2)).rejects.toThrow(/seals now: rotate first/);
      await expect(retireStoredSealKey(storage.db, 1)).rejects.toThrow(/no seal key version 1/);
    } finally {
      await storage.close();
    }
  });

  it('a node that has not restarted opens values of a key rotated in elsewhere (re-reading the keys)', async () => {
    const own = await createTestDatabase(engine);
    const storage = own.open();
    try {
      const running = await loadInstallSecrets(storage.db, undefined);
      await rotateStoredSealKey(storage.db);
      const restarted = await loadInstallSecrets(storage.db, undefined);
      const header = sendHeaderValue(restarted, SEND, CONTACT);
      expect(await running.open('send header', header)).toMatchObject({ ok: true, keyVersion: 2 });
      expect(parseSendHeader(running, header)).toEqual({ sendId: SEND, contactId: CONTACT });
    } finally {
      await storage.close();
      await own.drop();
    }
  });

  describe('values signed before the seal (the upgrade)', () => {
    it('open during the legacy window on an install that had them, then are refused as retired', async () => {
      const own = await createTestDatabase(engine);
      const storage = own.open();
      try {
        // The old code's install: a hash key, and values signed with it exactly as it spelled them.
        const hashSecret = Buffer.alloc(32, 'old install');
        await storage.db
          .insertInto('settings')
          .values({ key: 'install_hash_secret', value: hashSecret.toString('base64url') })
          .execute();
        const hash = (...parts: string[]) =>
          createHmac('sha256', hashSecret)
            .update(parts.join('\u0000'))
            .digest()
            .subarray(0, 16)
            .toString('base64url');
        const expires = (Date.now() + HANDOFF_LIFETIME_MS).toString(36);
        const oldHandoff = `${VISITOR}.${expires}.${hash('handoff', VISITOR, expires)}`;
        const oldHeader = `1.${SEND}.${CONTACT}.${hash('x-spoor-send', SEND, CONTACT)}`;

        const upgraded = await loadInstallSecrets(storage.db, undefined);
        expect(verifyHandoff(upgraded.seal, oldHandoff, Date.now())).toBe(VISITOR);
        expect(parseSendHeader(upgraded, oldHeader)).toEqual({ sendId: SEND, contactId: CONTACT });
        // Nothing new is signed with the hash key: new values carry key version 1 of the seal.
        expect(upgraded.seal.openText('send header', sendHeaderValue(upgraded, SEND, CONTACT))).toMatchObject(
          {
            ok: true,
            keyVersion: 1,
          },
        );
        const until = await storage.db
          .selectFrom('settings')
          .select('value')
          .where('key', '=', 'seal_legacy_until')
          .executeTakeFirstOrThrow();
        expect(Number(until.value)).toBeGreaterThan(Date.now() + LEGACY_WINDOW_MS - 60_000);

        // A week on (the window's end written back), the hash key opens nothing any more.
        await storage.db
          .updateTable('settings')
          .set({ value: String(Date.now() - 1) })
          .where('key', '=', 'seal_legacy_until')
          .execute();
        const later = await loadInstallSecrets(storage.db, undefined);
        expect(later.seal.openText('send header', oldHeader)).toEqual({ ok: false, error: 'retired-key' });
        expect(verifyHandoff(later.seal, oldHandoff, Date.now())).toBeNull();
      } finally {
        await storage.close();
        await own.drop();
      }
    });

    it('a new install opens no value spelled the pre-seal way', async () => {
      const own = await createTestDatabase(engine);
      const storage = own.open();
      try {
        const fresh = await loadInstallSecrets(storage.db, undefined);
        const oldHeader = `1.${SEND}.${CONTACT}.${fresh.hash('x-spoor-send', SEND, CONTACT)}`;
        expect(fresh.seal.openText('send header', oldHeader)).toEqual({ ok: false, error: 'retired-key' });
      } finally {
        await storage.close();
        await own.drop();
      }
    });
  });
});

describeEachEngine('a running server across a rotation and a retirement', (engine) => {
  const SITE = 'https://www.shop.test';
  const SALE = `${SITE}/sale`;
  let database: TestDatabase;
  let sink: SmtpSink;
  let spoor: RunningSpoor;

  const start = async () => {
    spoor = await startSpoor(
      database,
      {
        publicUrl: 'https://track.spoor.test',
        emailFrom: 'Shop <news@shop.test>',
        sendPollMs: 50,
        smtp: smtpConfigFor(sink),
      },
      { workers: true },
    );
  };
  /** What an operator does: the command, then a restart of the node. */
  const restartAfter = async (change: () => Promise<unknown>) => {
    await change();
    await spoor.close();
    await start();
  };
  const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await spoor.app.inject({ method, url, headers: spoor.auth, ...(payload ? { payload } : {}) });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  };

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    sink = await startSmtpSink();
    await start();
  });
  afterAll(async () => {
    await spoor?.close();
    await sink?.close();
    await database?.drop();
  });

  /** Sends a one-link email to a new contact over SMTP; the link, the handoff-carrying click and the header. */
  async function sendOne() {
    const address = `r-${Math.random().toString(36).slice(2, 10)}@mail.test`;
    const contactId = await createContact(spoor, { email: address, emailTracking: true });
    const list = await createList(spoor, `List ${address}`);
    await addToList(spoor, list, [contactId]);
    const message = await createMessage(spoor, {
      subject: 'Sale',
      html: `<p><a href="${SALE}">The sale</a> <a href="{{ unsubscribe_url }}">Unsubscribe</a></p>`,
    });
    const send = await api('POST', '/api/sends', { messageId: message, listIds: [list] });
    expect((await sendFinished(spoor, send.id)).status).toBe('done');
    // Activity seconds after delivery is a machine's (no cookie, no handoff): delivery an hour ago.
    await spoor.storage.db
      .updateTable('send_recipients')
      .set({ sent_at: Date.now() - 3_600_000 })
      .where('send_id', '=', send.id)
      .execute();
    const [received] = sink.receivedBy(address);
    const html = String(received?.parsed.html);
    const click = [...html.matchAll(/href="https:\/\/track\.spoor\.test(\/e\/c\/[^"]+)"/g)].map((m) => m[1]!);
    return {
      sendId: send.id as string,
      contactId,
      // The last tracked link is the sale (the honeypot comes first).
      clickPath: click.at(-1)!,
      header: String(received?.parsed.headers.get('x-spoor-send')),
    };
  }

  async function clickOf(path: string) {
    const res = await spoor.app.inject({ method: 'GET', url: path, headers: { 'user-agent': CHROME_UA } });
    const location = res.headers['location'] ? new URL(String(res.headers['location'])) : null;
    return { status: res.statusCode, location, handoff: location?.searchParams.get('spoor_h') ?? null };
  }
  /** Whether the app opens a handoff: a hosted page carries a genuine one in its form, and only then. */
  async function hostedPageTakes(slug: string, handoff: string) {
    const page = await spoor.app.inject({ url: `/p/${slug}?spoor_h=${encodeURIComponent(handoff)}` });
    expect(page.statusCode).toBe(200);
    return page.body.includes(`name="_h" value="${handoff}"`);
  }
  const keyVersionOf = (value: string) => Buffer.from(value.split('.').at(-1)!, 'base64url')[0];
  const secrets = () => loadInstallSecrets(spoor.storage.db, spoor.config.tokenKeys);

  it('clicks, handoffs and send headers keep working across a rotation; key 1 values stop at its retirement', async () => {
    const website = await createWebsite(spoor, [SITE]);
    const slug = `signup-${Math.random().toString(36).slice(2, 10)}`;
    await createForm(spoor, {
      name: 'Sign-up',
      websiteId: website,
      fields: [{ key: 'email', type: 'email', label: 'Email', required: true }],
      submitLabel: 'Sign up',
      afterSubmit: { kind: 'message', text: 'Thanks!' },
      page: { slug, title: 'Sign up' },
    });
    const first = await sendOne();
    expect(Buffer.from(first.clickPath.slice('/e/c/'.length), 'base64url')[0]).toBe(1);
    expect(keyVersionOf(first.header)).toBe(1);
    const firstClick = await clickOf(first.clickPath);
    expect(firstClick.status).toBe(302);
    expect(keyVersionOf(firstClick.handoff!)).toBe(1);

    await restartAfter(() => rotateStoredSealKey(spoor.storage.db));
    const second = await sendOne();
    expect(Buffer.from(second.clickPath.slice('/e/c/'.length), 'base64url')[0]).toBe(2);
    expect(keyVersionOf(second.header)).toBe(2);
    const now = await secrets();
    for (const sent of [first, second]) {
      // The email sent before the rotation and the one after: the click redirects and hands off the visitor.
      const click = await clickOf(sent.clickPath);
      expect(click.status).toBe(302);
      expect(`${click.location!.origin}${click.location!.pathname}`).toBe(SALE);
      expect(keyVersionOf(click.handoff!)).toBe(2);
      expect(verifyHandoff(now.seal, click.handoff!, Date.now())).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(await hostedPageTakes(slug, click.handoff!)).toBe(true);
      expect(parseSendHeader(now, sent.header)).toEqual({ sendId: sent.sendId, contactId: sent.contactId });
    }
    // A handoff given before the rotation still opens on the restarted node.
    expect(await hostedPageTakes(slug, firstClick.handoff!)).toBe(true);

    await restartAfter(() => retireStoredSealKey(spoor.storage.db, 1));
    const after = await secrets();
    const oldClick = await clickOf(first.clickPath);
    expect(oldClick.status).toBe(404);
    expect(parseSendHeader(after, first.header)).toBeNull();
    expect(await hostedPageTakes(slug, firstClick.handoff!)).toBe(false);
    const newClick = await clickOf(second.clickPath);
    expect(newClick.status).toBe(302);
    expect(await hostedPageTakes(slug, newClick.handoff!)).toBe(true);
    expect(parseSendHeader(after, second.header)).toEqual({
      sendId: second.sendId,
      contactId: second.contactId,
    });
  });
});
