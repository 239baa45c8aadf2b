// The Forms pages in a real Chromium: a marketer creates a form with a hosted page in the editor (its live
// preview follows the fields), a visitor opens the page and submits it, and the form's page shows the view,
// the submission, the conversion rate and the contact it created. Screenshots and axe on each page.
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../helpers/browser.ts';
import { expectNoSeriousAxeViolations, screenshotPage, setUpDashboardSuite } from '../support/dashboard.ts';

const XSS = '<img src=x onerror="window.__xss=1">';

describe.skipIf(!chromiumPath)('dashboard: forms', () => {
  const suite = setUpDashboardSuite();

  it('creates a form with a live preview, then shows its view, submission and conversion', async () => {
    const { origin } = suite.server;
    const { page } = await suite.signIn('marketer');
    await page.goto(`${origin}/app/forms`);
    await page.getByRole('heading', { name: 'Forms', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'New form' }).click();
    await page.getByRole('heading', { name: 'New form', level: 1 }).waitFor();

    await page.getByLabel('Name', { exact: true }).fill('Event sign-up');
    await page.getByRole('button', { name: 'Add a field' }).click();
    await page.getByLabel('Field 2 label').fill(`First name ${XSS}`);
    await page.getByLabel('Field 2 key').fill('firstName');
    const preview = page.getByLabel('Preview of the form');
    // The preview follows the draft, as text.
    await preview.getByText(`First name ${XSS}`).waitFor();
    await page.getByLabel('Publish a hosted page').check();
    await page.getByLabel('Page address (/p/…)').fill('event');
    await page.getByLabel('Page title').fill('Our event');
    await preview.getByText('Our event').waitFor();
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss ?? null)).toBeNull();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'form-editor');

    await page.getByRole('button', { name: 'Create form' }).click();
    await page.getByRole('heading', { name: 'Event sign-up', level: 1 }).waitFor();
    await page.getByText('No submissions yet.').waitFor();

    // A visitor opens the hosted page and submits it.
    const visitor = await (await suite.newContext()).newPage();
    await visitor.goto(`${origin}/p/event`);
    await visitor.getByLabel('Email').fill('guest@event.example');
    await visitor.getByLabel(/First name/).fill('Grace');
    await visitor.getByRole('button').last().click();
    await visitor.getByText('Thank you!').waitFor();

    await page.reload();
    const submissions = page.getByRole('table', { name: 'Submissions' });
    await submissions.getByText('guest@event.example').waitFor();
    await submissions.getByText('created the contact').waitFor();
    const figures = page.getByRole('region', { name: 'Last 30 days' });
    await figures.getByText('100%').waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'form');

    // Editing keeps what was made: the editor opens with the definition.
    await page.getByRole('link', { name: 'Edit form' }).click();
    await expect.poll(() => page.getByLabel('Field 2 key').inputValue()).toBe('firstName');
  });

  it('shows an analyst the forms without new or edit actions', async () => {
    const { spoor, origin } = suite.server;
    const res = await spoor.app.inject({
      method: 'POST',
      url: '/api/forms',
      headers: spoor.auth,
      payload: {
        name: 'Read only',
        fields: [{ key: 'email', type: 'email', label: 'Email', required: true }],
      },
    });
    const { page } = await suite.signIn('analyst');
    await page.goto(`${origin}/app/forms`);
    await page.getByRole('link', { name: 'Read only' }).waitFor();
    expect(await page.getByRole('link', { name: 'New form' }).count()).toBe(0);
    await page.goto(`${origin}/app/forms/${res.json().id}`);
    await page.getByRole('heading', { name: 'Read only', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Edit form' }).count()).toBe(0);
  });
});
