import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  openBrowser,
  pageHtml,
  startSites,
  type TestSites,
  waitFor,
  watchCollect,
} from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/engines.ts';

let db: TestDatabase;
let sites: TestSites;
beforeAll(async () => {
  db = await createTestDatabase('sqlite');
  sites = await startSites(db);
});
afterAll(async () => {
  await sites?.close();
  await db?.drop();
});

it('probe', async () => {
  const site = await sites.registerWebsite();
  sites.setPage(
    '/a',
    pageHtml({
      title: 'A',
      snippet: site.snippets.thirdParty,
      head: '<script>addEventListener("visibilitychange",()=>console.log("vis",document.visibilityState));addEventListener("blur",()=>console.log("blur"))</script>',
    }),
  );
  const b = await openBrowser(sites, { thirdPartyCookies: false });
  b.page.on('console', (m) => console.log('PAGE', m.text()));
  const traffic = watchCollect(b.page);
  await b.page.goto(`${sites.shopOrigin}/a`);
  await traffic.settled();
  await b.page.setContent;
  await b.page.evaluate(() => {
    const a = document.createElement('a');
    a.href = '/a?x';
    a.target = '_blank';
    a.id = 'lnk';
    a.textContent = 'open';
    document.body.append(a);
  });
  const [popup] = await Promise.all([b.context.waitForEvent('page'), b.page.click('#lnk')]);
  await popup.waitForLoadState();
  await b.page.waitForTimeout(300);
  console.log(
    'after window.open',
    await b.page.evaluate(() => [document.hasFocus(), document.visibilityState]),
  );
  await b.page.bringToFront();
  await b.page.waitForTimeout(300);
  console.log(
    'after bringToFront',
    await b.page.evaluate(() => [document.hasFocus(), document.visibilityState]),
  );
  await traffic.settled();
  console.log(traffic.hits);
  await b.close();
  expect(1).toBe(1);
});
