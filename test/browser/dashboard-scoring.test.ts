// Lead scoring in a real Chromium: a marketer creates a model from the starting rules, previews and
// publishes it; a recipient clicks their email twice and the feed consumer scores it; the contact page
// shows the score, its grade and the sentence that explains it; a manual adjustment with a reason makes
// them sales-ready; the model's page lists them with the CSV export. Screenshots at desktop and 390 px,
// axe on each page.
import { describe, expect, it } from 'vitest';
import { createInteractionFeed } from '../../src/interaction-feed.ts';
import { scoreFeedNow } from '../../src/scoring/score-feed.ts';
import { chromiumPath } from '../helpers/browser.ts';
import { createSendFixture, pathOf } from '../helpers/email-fixtures.ts';
import { CHROME_UA } from '../helpers/spoor.ts';
import { expectNoAxeViolations, screenshotPage, setUpDashboardSuite } from '../support/dashboard.ts';

describe.skipIf(!chromiumPath)('dashboard: lead scoring', () => {
  const suite = setUpDashboardSuite();

  it('creates, previews and publishes a model; the contact page explains the score; sales-ready is listed', {
    timeout: 120_000,
  }, async () => {
    const { origin, spoor } = suite.server;
    const { page } = await suite.signIn('marketer');
    const fixture = await createSendFixture(spoor, { recipients: [{ tracking: true, firstName: 'Ada' }] });
    const ada = fixture.contacts[0]!;

    await page.goto(`${origin}/app/scoring`);
    await page.getByRole('heading', { name: 'Lead scoring', level: 1 }).waitFor();
    await page.getByText('No scoring model yet').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Product A');
    await page.getByRole('button', { name: 'Create a draft' }).click();
    await page.getByRole('heading', { name: 'Product A', level: 1 }).waitFor();
    await page.getByText('Not published yet').waitFor();

    // A grade out of order is refused with the field saying why.
    await page.getByLabel('Grade C from').fill('90');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('grades go from the highest down').first().waitFor();
    await page.getByLabel('Grade C from').fill('20');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page
      .getByText(/Publishing this draft would change 0 of 1 scores; 0 contacts would become sales-ready/)
      .waitFor();
    await expectNoAxeViolations(page);
    await screenshotPage(page, 'scoring-model');

    await page.getByRole('button', { name: 'Publish' }).click();
    await page
      .getByText(/Publishing/)
      .first()
      .waitFor();
    await spoor.runDueJobs();
    await page.reload();
    await page.getByText(/Version 1, published/).waitFor();

    // Ada clicks her email twice (human clicks score 5 each; a scanner's would not).
    for (let i = 0; i < 2; i++) {
      const res = await spoor.app.inject({
        url: pathOf(ada.urls.click(0)),
        remoteAddress: `198.51.100.${i + 1}`,
        headers: { 'user-agent': CHROME_UA },
      });
      expect(res.statusCode).toBe(302);
    }
    await expect
      .poll(() => scoreFeedNow(spoor.storage.db, createInteractionFeed()).then(() => true))
      .toBe(true);

    await page.goto(`${origin}/app/contacts/${ada.id}`);
    const panel = page.getByRole('region', { name: 'Lead scores' });
    await panel.getByText('10 = 2 × Email link clicked (5)').waitFor();
    await panel.getByText('Grade D').waitFor();
    await panel.getByRole('button', { name: 'Adjust…' }).click();
    await panel.getByLabel('Points').fill('55');
    await panel.getByLabel('Reason').fill('Asked for a demo at the fair');
    await panel.getByRole('button', { name: 'Add to the score' }).click();
    await panel
      .getByText('65 = Manual adjustment: Asked for a demo at the fair 55 + 2 × Email link clicked (5)')
      .waitFor();
    await panel.getByText('Sales-ready', { exact: true }).waitFor();
    await panel.getByText(/Became sales-ready/).waitFor();
    // The timeline tells the score's story too (the `scoring` interactions).
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('Became sales-ready in “Product A” at 65').waitFor();
    await timeline.getByText('Score in “Product A” went from 10 to 65 (grade B)').waitFor();
    await expectNoAxeViolations(page);
    await screenshotPage(page, 'scoring-contact');

    await page.goto(`${origin}/app/scoring`);
    await page.getByRole('table', { name: 'Scoring models' }).getByText('Product A').click();
    const list = page.getByRole('table', { name: 'Sales-ready contacts' });
    await list.getByText('65').waitFor();
    const csv = await page.evaluate(
      async (url) => (await fetch(url)).text(),
      `/api/scoring/models/${page.url().split('/').pop()}/sales-ready.csv`,
    );
    expect(csv).toContain(ada.email);
    await expectNoAxeViolations(page);
    await screenshotPage(page, 'scoring-overview');
  });
});
