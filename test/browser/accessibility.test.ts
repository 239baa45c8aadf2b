// Pages Spoor serves to people, checked with axe-core in Chromium at a desktop width and a phone's.
import { describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../helpers/accessibility.ts';
import { adminApi, chromiumPath, setUpBrowserSuite, uniquePath } from '../helpers/browser.ts';

const WIDTHS = [1280, 390];

describe.skipIf(!chromiumPath)('browser: accessibility of the pages Spoor serves', () => {
  const suite = setUpBrowserSuite();

  async function pagesToCheck(): Promise<string[]> {
    const { sites } = suite;
    const site = await sites.registerWebsite({ allowedOrigins: [sites.shopOrigin] });
    const slug = uniquePath('a11y').slice(1);
    await adminApi(sites, 'POST', '/api/forms', {
      name: 'Newsletter',
      websiteId: site.id,
      fields: [
        { key: 'email', type: 'email', label: 'Email', required: true },
        { key: 'firstName', type: 'text', label: 'First name' },
      ],
      afterSubmit: { kind: 'message', text: 'Thanks!' },
      page: { slug, title: 'Newsletter', intro: 'News once a month.' },
    });
    return [`${sites.trackOrigin}/`, `${sites.trackOrigin}/p/${slug}`];
  }

  it('the home page and a hosted form page have no axe violations, on desktop and phone', async () => {
    const urls = await pagesToCheck();
    const { page } = await suite.open();
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      for (const url of urls) {
        const res = await page.goto(url);
        expect(res?.status(), url).toBe(200);
        expect(await accessibilityViolations(page), `${url} at ${width}px`).toEqual([]);
      }
    }
  });
});
