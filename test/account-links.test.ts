// Invitations and password resets end to end on both engines: an administrator invites over the API, the
// email arrives at a loopback SMTP server, its link is opened and the form posted with fetch (as a browser
// without JavaScript would), and the new user is signed in; the same for a reset and a forgotten password.
// Links work once and expire.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { acceptInvitation, openInvitation } from '../src/access/users/account-links.ts';
import { loadInstallSecrets } from '../src/secrets/install-secrets.ts';
import { createTestDatabase, describeEachEngine, type TestDatabase } from './helpers/engines.ts';
import { type SmtpSink, smtpConfigFor, startSmtpSink } from './helpers/smtp-sink.ts';
import { type RunningSpoor, startSpoor } from './helpers/spoor.ts';
import { createUser, type SignedInSession, signInApi } from './support/accounts.ts';
import { waitFor } from './support/wait-for.ts';

const ORIGIN = 'https://spoor.test';
const PASSWORD = 'the administrator password';

describeEachEngine('invitations and password resets', (engine) => {
  let database: TestDatabase;
  let spoor: RunningSpoor;
  let sink: SmtpSink;
  let base: string;
  let admin: SignedInSession;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    sink = await startSmtpSink();
    spoor = await startSpoor(database, {
      publicUrl: ORIGIN,
      smtp: smtpConfigFor(sink),
      emailFrom: 'Spoor <spoor@spoor.test>',
    });
    await spoor.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(spoor.app.server.address() as AddressInfo).port}`;
    await createUser(spoor.storage.db, {
      email: 'admin@example.com',
      password: PASSWORD,
      role: 'administrator',
      name: 'Grace',
    });
    admin = await signInApi(base, 'admin@example.com', PASSWORD, { origin: ORIGIN });
  });
  afterAll(async () => {
    await spoor.close();
    await sink.close();
    await database.drop();
  });

  /** The link in the newest email to `address`, as a URL on the test server. */
  async function linkMailedTo(
    address: string,
    count: number,
  ): Promise<{ url: string; token: string; text: string }> {
    await waitFor(`email ${count} to ${address}`, () => sink.receivedBy(address).length >= count);
    const text = sink.receivedBy(address)[count - 1]?.parsed.text ?? '';
    const link = /https:\/\/spoor\.test(\/account\/\S+)/.exec(text)?.[1];
    if (!link) throw new Error(`no link in: ${text}`);
    return { url: `${base}${link}`, token: new URL(link, base).searchParams.get('token') ?? '', text };
  }

  const postForm = (path: string, fields: Record<string, string>, origin = ORIGIN) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams(fields).toString(),
    });

  it('invites by email; the link opens a form; posting it creates the user, signs them in; it works once', async () => {
    const invited = await fetch(`${base}/api/invitations`, {
      method: 'POST',
      headers: { ...admin.headers('POST'), 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'Lin@Example.com', role: 'analyst', name: 'Lin' }),
    });
    expect(invited.status).toBe(201);
    const invitation = await invited.json();
    expect(invitation).toMatchObject({ email: 'Lin@Example.com', role: 'analyst', acceptedAt: null });
    expect(JSON.stringify(invitation)).not.toMatch(/token|account\/accept/);

    const mail = await linkMailedTo('lin@example.com', 1);
    expect(sink.receivedBy('lin@example.com')[0]?.parsed.subject).toBe(
      'You are invited to Spoor on spoor.test',
    );
    expect(mail.text).toContain('admin@example.com invited you');
    const page = await fetch(mail.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    const html = await page.text();
    expect(html).toContain('Lin@Example.com');
    expect(html).toContain('<form method="post" action="/account/accept">');
    expect(html).not.toContain('<script');

    const mismatch = await postForm('/account/accept', {
      token: mail.token,
      name: 'Lin',
      password: 'a password of lin',
      confirm: 'another one',
    });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain('The two passwords differ');
    const weak = await postForm('/account/accept', {
      token: mail.token,
      name: 'Lin',
      password: 'short',
      confirm: 'short',
    });
    expect(weak.status).toBe(422);
    const crossSite = await postForm(
      '/account/accept',
      { token: mail.token, name: 'Lin', password: 'a password of lin', confirm: 'a password of lin' },
      'https://evil.example',
    );
    expect(crossSite.status).toBe(403);

    const accepted = await postForm('/account/accept', {
      token: mail.token,
      name: 'Lin L.',
      password: 'a password of lin',
      confirm: 'a password of lin',
    });
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toContain('<a href="/app/">Open the dashboard</a>');
    const cookie = /spoor_session=[^;]+/.exec(accepted.headers.get('set-cookie') ?? '')?.[0] ?? '';
    const session = await (await fetch(`${base}/api/session`, { headers: { cookie } })).json();
    expect(session.user).toMatchObject({ email: 'Lin@Example.com', name: 'Lin L.', role: 'analyst' });

    const again = await postForm('/account/accept', {
      token: mail.token,
      password: 'a password of lin',
      confirm: 'a password of lin',
    });
    expect(again.status).toBe(404);
    expect((await fetch(mail.url)).status).toBe(404);
    const lin = await signInApi(base, 'lin@example.com', 'a password of lin', { origin: ORIGIN });
    expect(lin.user.role).toBe('analyst');
    const list = await (await fetch(`${base}/api/invitations`, { headers: admin.headers() })).json();
    expect(list.invitations[0]).toMatchObject({ email: 'Lin@Example.com', acceptedAt: expect.any(String) });
  });

  it('shows stored names and addresses inert on the account pages', async () => {
    const payload = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
    const invited = await fetch(`${base}/api/invitations`, {
      method: 'POST',
      headers: { ...admin.headers('POST'), 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'odd@example.com', role: 'marketer', name: payload }),
    });
    expect(invited.status).toBe(201);
    const { url } = await linkMailedTo('odd@example.com', 1);
    const html = await (await fetch(url)).text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img');
  });

  it('an invitation expires after 7 days, and a forged or altered link opens nothing', async () => {
    const secrets = await loadInstallSecrets(spoor.storage.db, undefined);
    await fetch(`${base}/api/invitations`, {
      method: 'POST',
      headers: { ...admin.headers('POST'), 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'late@example.com', role: 'marketer' }),
    });
    const { token } = await linkMailedTo('late@example.com', 1);
    const sixDays = Date.now() + 6 * 86_400_000;
    await expect(openInvitation(spoor.storage.db, secrets, token, sixDays)).resolves.toMatchObject({
      email: 'late@example.com',
    });
    await expect(
      acceptInvitation(
        spoor.storage.db,
        secrets,
        token,
        { password: 'late but fine password' },
        Date.now() + 7 * 86_400_000 + 1000,
      ),
    ).rejects.toThrow('This link cannot be used');
    const altered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await fetch(`${base}/account/accept?token=${altered}`)).status).toBe(404);
    expect((await fetch(`${base}/account/accept`)).status).toBe(404);
  });

  it('an administrator sends a reset; the link sets a new password once and signs the user out everywhere', async () => {
    await createUser(spoor.storage.db, {
      email: 'max@example.com',
      password: 'the old password of max',
      role: 'marketer',
    });
    const before = await signInApi(base, 'max@example.com', 'the old password of max', { origin: ORIGIN });
    const sent = await fetch(`${base}/api/users/${before.user.id}/reset`, {
      method: 'POST',
      headers: admin.headers('POST'),
    });
    expect(sent.status).toBe(202);
    const mail = await linkMailedTo('max@example.com', 1);
    expect(mail.url).toContain('/account/reset?token=');
    expect(await (await fetch(mail.url)).text()).toContain('max@example.com');
    const done = await postForm('/account/reset', {
      token: mail.token,
      password: 'the new password of max',
      confirm: 'the new password of max',
    });
    expect(done.status).toBe(200);
    expect((await fetch(`${base}/api/session`, { headers: before.headers() })).status).toBe(401);
    await expect(
      signInApi(base, 'max@example.com', 'the old password of max', { origin: ORIGIN }),
    ).rejects.toThrow('401');
    await signInApi(base, 'max@example.com', 'the new password of max', { origin: ORIGIN });
    const again = await postForm('/account/reset', {
      token: mail.token,
      password: 'yet another password',
      confirm: 'yet another password',
    });
    expect(again.status).toBe(404);
  });

  it('a forgotten password: the same answer for any email, a link only for an account', async () => {
    await createUser(spoor.storage.db, {
      email: 'kim@example.com',
      password: 'the old password of kim',
      role: 'analyst',
    });
    const known = await postForm('/account/forgot', { email: 'KIM@example.com' });
    const unknown = await postForm('/account/forgot', { email: 'nobody@example.com' });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(await known.text()).toBe(await unknown.text());
    const mail = await linkMailedTo('kim@example.com', 1);
    const done = await postForm('/account/reset', {
      token: mail.token,
      password: 'the new password of kim',
      confirm: 'the new password of kim',
    });
    expect(done.status).toBe(200);
    await signInApi(base, 'kim@example.com', 'the new password of kim', { origin: ORIGIN });
    expect(sink.receivedBy('nobody@example.com')).toEqual([]);
  });

  it('records who changed what in the audit log, newest first, cursor-paged, for administrators only', async () => {
    const page1 = await (await fetch(`${base}/api/audit-log?limit=2`, { headers: admin.headers() })).json();
    expect(page1.entries).toHaveLength(2);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const all: { action: string; actor: { label: string }; targetId: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `${base}/api/audit-log?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await (await fetch(url, { headers: admin.headers() })).json();
      all.push(...page.entries);
      cursor = page.nextCursor;
    } while (cursor);
    const actions = all.map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'signIn',
        'inviteUser',
        'acceptInvitation',
        'sendPasswordReset',
        'resetPassword',
      ]),
    );
    expect(all.find((entry) => entry.action === 'inviteUser')?.actor.label).toBe('admin@example.com');
    const lin = await signInApi(base, 'lin@example.com', 'a password of lin', { origin: ORIGIN });
    expect((await fetch(`${base}/api/audit-log`, { headers: lin.headers() })).status).toBe(403);
  });
});
