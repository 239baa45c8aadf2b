import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/engines.ts';
import { openBrowser, pageHtml, startSites, type TestSites, waitFor, watchCollect } from '../helpers/browser.ts';

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
  sites.setPage('/a', pageHtml({ title: 'A', snippet: site.snippets.thirdParty, head: '<script>addEventListener("visibilitychange",()=>console.log("vis",document.visibilityState));addEventListener("blur",()=>console.log("blur"))</script>' }));
  const b = await openBrowser(sites, { thirdPartyCookies: false });
  b.page.on('console', (m) => console.log('PAGE', m.text()));
  const traffic = watchCollect(b.page);
  await b.page.goto(`${sites.shopOrigin}/a`);
  await traffic.settled();
  const cdp = await b.context.newCDPSession(b.page);
  try {
    const r = await cdp.send('Target.createTarget', { url: 'about:blank', newWindow: false, background: false });
    console.log('created', r);
  } catch (e) { console.log('createTarget failed', String(e)); }
  await b.page.waitForTimeout(300);
  console.log('after createTarget', await b.page.evaluate(() => [document.hasFocus(), document.visibilityState]));
  try {
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    await b.page.waitForTimeout(300);
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
  } catch (e) { console.log('lifecycle failed', String(e)); }
  console.log('after frozen', await b.page.evaluate(() => [document.hasFocus(), document.visibilityState]));
  await traffic.settled();
  console.log(traffic.hits);
  await b.close();
  expect(1).toBe(1);
});
