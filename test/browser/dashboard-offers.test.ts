// The Offers pages in a real Chromium: a marketer defines an offer (a window that ends before it starts
// is refused, the field says why), lands on its page with the tag to put in a message, recipients follow
// their offer links, and the page shows delivered, clickers, claims, refusals by reason and what is left;
// then withdraws it. Screenshots at desktop and 390 px, and axe on each page. An offer named with markup
// shows as text on both pages (its own test, kept out of the docs' screenshots).
import { describe, expect, it } from 'vitest';
import { localOf } from '../../src/offers/zoned-time.ts';
import { chromiumPath } from '../helpers/browser.ts';
import { createSendFixture } from '../helpers/email-fixtures.ts';
import { CHROME_UA } from '../helpers/spoor.ts';
import { expectNoSeriousAxeViolations, screenshotPage, setUpDashboardSuite } from '../support/dashboard.ts';

const XSS = '<img src=x onerror="window.__xss=1">';

describe.skipIf(!chromiumPath)('dashboard: offers', () => {
  const suite = setUpDashboardSuite();

  it('defines an offer, shows its insights as recipients claim it, and withdraws it', async () => {
    const { origin, spoor } = suite.server;
    const { page } = await suite.signIn('marketer');
    await page.goto(`${origin}/app/offers`);
    await page.getByRole('heading', { name: 'Offers', level: 1 }).waitFor();
    await page.getByText('No offers yet.').waitFor();

    const zone = 'Europe/Paris';
    const now = Date.now();
    await page.getByLabel('Name', { exact: true }).fill('Winter sale');
    await page.getByLabel('Claim URL').fill('https://shop.example/winter?code=WINTER20');
    await page.getByLabel('Starts').fill(localOf(now - 3_600_000, zone));
    await page.getByLabel('Ends').fill(localOf(now - 7_200_000, zone));
    await page.getByLabel('Time zone').fill(zone);
    await page.getByLabel('Total claims').fill('3');
    await page.getByRole('button', { name: 'Create offer' }).click();
    await page.getByText('must be later than the start').first().waitFor();
    await page.getByText('One value is not valid: see the field marked above.').waitFor();
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'offers');

    await page.getByLabel('Ends').fill(localOf(now + 86_400_000, zone));
    await page.getByRole('button', { name: 'Create offer' }).click();
    await page.getByRole('heading', { name: 'Winter sale', level: 1 }).waitFor();
    await page.getByText('Valid', { exact: true }).first().waitFor();
    const tag = (await page.locator('.offer-tag code').textContent()) ?? '';
    const offerId = /offer "([^"]+)"/.exec(tag)?.[1] as string;
    expect(offerId).toBeTruthy();

    // Five recipients of an email carrying the offer; four follow their link, one twice, one as a scanner.
    const fixture = await createSendFixture(spoor, {
      html: `<a href='${tag}'>Claim</a>`,
      recipients: Array.from({ length: 5 }, () => ({})),
    });
    await spoor.storage.db
      .insertInto('send_offers')
      .values({ send_id: fixture.sendId, offer_id: offerId })
      .execute();
    const follow = (i: number, ua: string | null = CHROME_UA) =>
      spoor.app.inject({
        url: new URL(fixture.contacts[i]?.urls.offer?.(offerId) as string).pathname,
        headers: ua ? { 'user-agent': ua } : {},
      });
    for (const i of [0, 0, 1, 2, 3]) expect((await follow(i)).statusCode).toBe(302);
    await follow(4, null);

    await page.reload();
    const stat = (label: string) => page.locator('.stat', { hasText: label }).locator('.stat-value');
    await expect.poll(() => stat('Delivered').textContent()).toBe('5');
    expect(await stat('Unique clickers').textContent()).toBe('4');
    expect(await stat('Claimed').textContent()).toBe('3');
    expect(await stat('Remaining').textContent()).toBe('0');
    await page.getByText('60%').waitFor();
    const refused = page.getByRole('table', { name: 'Follows that took no claim, by reason' });
    await expect
      .poll(() => refused.getByRole('row', { name: /Every claim taken/ }).textContent())
      .toContain('1');
    expect(await refused.getByRole('row', { name: /Already claimed/ }).textContent()).toContain('1');
    expect(await refused.getByRole('row', { name: /Scanners/ }).textContent()).toContain('1');
    await expectNoSeriousAxeViolations(page);
    await screenshotPage(page, 'offer');

    await page.getByRole('button', { name: 'Withdraw' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Withdraw' }).click();
    await page.getByText('Withdrawn', { exact: true }).first().waitFor();
    const after = await follow(4);
    expect(after.headers['x-spoor-offer']).toBe('withdrawn');

    await page.goto(`${origin}/app/offers`);
    const list = page.getByRole('table', { name: 'Offers' });
    await list.getByText('Withdrawn').waitFor();
    await list.getByText('3 of 3').waitFor();
  });

  it('shows an offer named with markup as text, on its page and in the list', async () => {
    const { origin } = suite.server;
    const { page } = await suite.signIn('marketer');
    const name = `Spring sale ${XSS}`;
    await page.goto(`${origin}/app/offers`);
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Claim URL').fill('https://shop.example/spring');
    await page.getByLabel('Starts').fill(localOf(Date.now() - 3_600_000, 'UTC'));
    await page.getByLabel('Ends').fill(localOf(Date.now() + 86_400_000, 'UTC'));
    await page.getByLabel('Time zone').fill('UTC');
    await page.getByRole('button', { name: 'Create offer' }).click();
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    await page.goto(`${origin}/app/offers`);
    await page.getByRole('table', { name: 'Offers' }).getByText(name).waitFor();
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss ?? null)).toBeNull();
  });
});
