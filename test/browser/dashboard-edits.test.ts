// What a marketer edits in the dashboard, in a real Chromium: a contact's fields (the server's message beside
// a bad value, keyboard only; the change on the page and through the API), the custom contact fields (add,
// rename, remove after a confirmation), a list (rename; delete after a confirmation naming its members).
// An analyst sees none of those buttons and the API refuses them. axe in light and dark; screenshots of the
// edit form and the delete confirmation at 1280 and 390 px (written with SPOOR_SCREENSHOTS=1; see
// test/support/dashboard.ts).
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser.ts';
import { expectNoSeriousAxeViolations, screenshotPage, setUpDashboardSuite } from '../support/dashboard.ts';
import {
  addToList,
  createContact,
  createContactField,
  createForm,
  createList,
  EMAIL_FIELD,
} from '../support/factories.ts';

describe.skipIf(!chromiumPath)('dashboard: editing contacts, contact fields and lists', () => {
  const suite = setUpDashboardSuite();
  const api = (method: 'GET' | 'PATCH' | 'DELETE', url: string) =>
    suite.server.spoor.app.inject({ method, url, headers: suite.server.spoor.auth });

  it("edits a contact's fields by keyboard, with the server's message beside a bad value", {
    timeout: 60_000,
  }, async () => {
    const { spoor, origin } = suite.server;
    await createContactField(spoor, { key: 'seats', label: 'Seats', type: 'number' });
    const id = await createContact(spoor, {
      email: 'edie@edits.example',
      firstName: 'Edie',
      company: 'Old Co',
    });
    const { page } = await suite.signIn('marketer');
    await page.goto(`${origin}/app/contacts/${id}`);
    await page.getByRole('heading', { name: 'Edie', level: 1 }).waitFor();

    // Keyboard only: focus the Edit button, press Enter; the form takes the focus on its first field.
    await page.getByRole('button', { name: 'Edit', exact: true }).focus();
    await page.keyboard.press('Enter');
    const form = page.getByRole('form', { name: 'Edit the contact' });
    await form.waitFor();
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement).name))
      .toBe('email');
    await page.keyboard.press('Tab'); // First name
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Edith');
    await form.getByLabel('Company').fill('New Co');
    await form.getByLabel('Seats').fill('a dozen');
    await form.getByLabel('Phone').fill('call me');
    await form.getByLabel('Seats').focus();
    await page.keyboard.press('Enter');

    // The server's messages, each under its field; the first one in trouble has the focus.
    const phone = form.getByLabel('Phone');
    await expect.poll(() => phone.getAttribute('aria-invalid')).toBe('true');
    await form.getByText('is not a phone number').waitFor();
    await form.getByText('must be a number').waitFor();
    await form.getByRole('alert').getByText('2 values need a change before saving.').waitFor();
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement).name))
      .toBe('phone');
    expect(await phone.getAttribute('aria-describedby')).toContain('error');
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'contact-edit');
    // Nothing was stored.
    expect((await api('GET', `/api/contacts/${id}`)).json()).toMatchObject({
      firstName: 'Edie',
      company: 'Old Co',
    });

    await phone.fill('+44 20 7946 0000');
    await form.getByLabel('Seats').fill('12');
    await form.getByRole('button', { name: 'Save changes' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('Changes saved.').waitFor();
    await page.getByRole('heading', { name: 'Edith', level: 1 }).waitFor();
    const fields = page.getByRole('region', { name: 'Fields' });
    await fields.getByText('New Co').waitFor();
    await fields.getByText('Seats').waitFor(); // the custom field under its label, not its key
    await fields.getByText('12', { exact: true }).waitFor();
    // The focus is back on Edit.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Edit');
    expect((await api('GET', `/api/contacts/${id}`)).json()).toMatchObject({
      firstName: 'Edith',
      company: 'New Co',
      phone: '+44 20 7946 0000',
      custom: { seats: 12 },
      email: 'edie@edits.example',
    });
  });

  it('adds, renames and removes a custom contact field (the removal says what it deletes)', {
    timeout: 60_000,
  }, async () => {
    const { spoor, origin } = suite.server;
    const { page } = await suite.signIn('marketer');
    await page.goto(`${origin}/app/contacts`);
    await page.getByRole('link', { name: 'Contact fields' }).click();
    await page.getByRole('heading', { name: 'Contact fields', level: 1 }).waitFor();

    // A bad key: the server's message beside the key.
    await page.getByLabel('Label', { exact: true }).fill('Price plan');
    await page.getByLabel('Key').fill('email');
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByText('"email" is a standard field.').waitFor();
    await page.getByLabel('Key').fill('plan');
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByRole('status').getByText('“Price plan” added.').waitFor();
    const table = page.getByRole('table', { name: 'Custom contact fields' });
    await table.getByRole('cell', { name: 'Price plan', exact: true }).waitFor();
    const holder = await createContact(spoor, { email: 'plan@edits.example', custom: { plan: 'gold' } });

    await page.getByRole('button', { name: 'Rename Price plan' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename “Price plan”' });
    await rename.getByLabel('New label').fill('Plan');
    await rename.getByRole('button', { name: 'Save the label' }).click();
    await table.getByRole('cell', { name: 'Plan', exact: true }).waitFor();
    expect((await api('GET', '/api/contact-fields')).json().fields).toContainEqual({
      key: 'plan',
      label: 'Plan',
      type: 'text',
    });

    // While a form uses the field, the removal is refused with the server's sentence naming the form.
    const formId = await createForm(spoor, {
      name: 'Plan picker',
      fields: [EMAIL_FIELD, { key: 'plan', type: 'text', label: 'Plan' }],
    });
    await page.getByRole('button', { name: 'Remove Plan' }).click();
    const remove = page.getByRole('dialog', { name: 'Remove the field “Plan”?' });
    await remove.getByRole('button', { name: 'Remove the field and its values' }).click();
    await remove.getByRole('alert').getByText('used by the form "Plan picker"').waitFor();
    await remove.getByRole('button', { name: 'Cancel' }).click();
    const changed = await spoor.app.inject({
      method: 'PUT',
      url: `/api/forms/${formId}`,
      headers: spoor.auth,
      payload: { name: 'Plan picker', fields: [EMAIL_FIELD] },
    });
    expect(changed.statusCode, changed.body).toBe(200);

    await page.getByRole('button', { name: 'Remove Plan' }).click();
    await remove.getByText("Every contact's value for it is deleted with it").waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'contact-field-remove');
    await remove.getByRole('button', { name: 'Remove the field and its values' }).click();
    await page.getByText('“Plan” removed; 1 contact lost a value.').waitFor();
    await table.getByRole('cell', { name: 'Plan', exact: true }).waitFor({ state: 'detached' });
    expect((await api('GET', `/api/contacts/${holder}`)).json().custom).toEqual({});
  });

  it('renames a list and deletes it after a confirmation naming its members', {
    timeout: 60_000,
  }, async () => {
    const { spoor, origin } = suite.server;
    const listId = await createList(spoor, 'Spring leads');
    const members = [
      await createContact(spoor, { email: 'a@lists-edit.example' }),
      await createContact(spoor, { email: 'b@lists-edit.example' }),
    ];
    await addToList(spoor, listId, members);
    const { page } = await suite.signIn('marketer');
    await page.goto(`${origin}/app/lists/${listId}`);
    await page.getByRole('heading', { name: 'Spring leads', level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Rename…' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename “Spring leads”' });
    await rename.getByLabel('Name').fill('Spring customers');
    await rename.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Spring customers', level: 1 }).waitFor();
    expect((await api('GET', `/api/lists/${listId}`)).json().name).toBe('Spring customers');

    await page.getByRole('button', { name: 'Delete…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete the list “Spring customers”?' });
    await confirm.getByText('It has 2 subscribed members and 0 unsubscribed members.').waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'list-delete');
    // Cancel keeps it; confirming deletes it and returns to the lists.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect((await api('GET', `/api/lists/${listId}`)).statusCode).toBe(200);
    await page.getByRole('button', { name: 'Delete…' }).click();
    await confirm.getByRole('button', { name: 'Delete the list and 2 memberships' }).click();
    await page.getByRole('heading', { name: 'Lists', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Spring customers' }).count()).toBe(0);
    expect((await api('GET', `/api/lists/${listId}`)).statusCode).toBe(404);
    expect((await api('GET', `/api/contacts/${members[0]}/lists`)).json().lists).toEqual([]);
  });

  it('shows an analyst none of these buttons, and the API refuses the changes', async () => {
    const { spoor, origin } = suite.server;
    await createContactField(spoor, { key: 'region', label: 'Region', type: 'text' });
    const id = await createContact(spoor, { email: 'ro@edits.example', firstName: 'Reader' });
    const listId = await createList(spoor, 'Analysts look');
    const { page, context } = await suite.signIn('analyst');
    await page.goto(`${origin}/app/contacts/${id}`);
    await page.getByRole('heading', { name: 'Reader', level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: 'Edit', exact: true }).count()).toBe(0);
    await page.goto(`${origin}/app/contacts/fields`);
    await page
      .getByRole('table', { name: 'Custom contact fields' })
      .getByRole('cell', { name: 'Region', exact: true })
      .waitFor();
    expect(await page.getByRole('button', { name: /Rename|Remove|Add field/ }).count()).toBe(0);
    await page.goto(`${origin}/app/lists/${listId}`);
    await page.getByRole('heading', { name: 'Analysts look', level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: /Rename|Delete/ }).count()).toBe(0);

    // The analyst's own session, with its CSRF token, is refused by the API all the same.
    const token = await page.evaluate(async () => (await (await fetch('/api/session')).json()).csrfToken);
    for (const [method, url, body] of [
      ['PATCH', `/api/contacts/${id}`, { firstName: 'Changed' }],
      ['PATCH', '/api/contact-fields/region', { label: 'Changed' }],
      ['DELETE', '/api/contact-fields/region', undefined],
      ['PATCH', `/api/lists/${listId}`, { name: 'Changed' }],
      ['DELETE', `/api/lists/${listId}`, undefined],
    ] as const) {
      const res = await context.request.fetch(`${origin}${url}`, {
        method,
        headers: { origin, 'x-csrf-token': token, 'content-type': 'application/json' },
        ...(body ? { data: body } : {}),
      });
      expect(res.status(), `${method} ${url}`).toBe(403);
    }
    expect((await api('GET', `/api/contacts/${id}`)).json().firstName).toBe('Reader');
  });
});
