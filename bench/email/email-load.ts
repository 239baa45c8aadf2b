// Part 3: the email endpoints under load. A send to many contacts is stored first (the way the send job
// leaves it: links, recipients delivered an hour ago), then the open pixel and the click redirect are
// driven with genuine signed URLs of random recipients, each against the bare server answering the same
// GIF / 302. After each Spoor run every answered request must be an event in the database.
import { CLICK_PATH, PIXEL_PATH, trackingUrlsFor } from '../../src/email/engagement/tracking-urls.ts';
import { prepareMessage } from '../../src/email/messages/render-email.ts';
import { newId } from '../../src/lib/ids.ts';
import { loadInstallSecrets } from '../../src/secrets/install-secrets.ts';
import { openStorage } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { type LoadResult, runAutocannon } from '../lib/load.ts';
import { Random } from '../lib/random.ts';
import { CHROME_USER_AGENT } from '../load/collect-bodies.ts';

export interface EmailBenchData {
  sendId: string;
  pixelPaths: string[];
  clickPaths: string[];
}

const MESSAGE = {
  subject: 'Spring sale, {{ contact.first_name }}',
  html: `<html><body><p>Hi {{ contact.first_name }},</p>
<p><a href="https://www.shop.example/spring-sale">See the sale</a></p>
<p><a href="https://www.shop.example/new-arrivals">New arrivals</a></p>
<p><a href="https://www.shop.example/stores">Find a store</a></p></body></html>`,
  text: null,
};

/** Stores one delivered send to `recipients` contacts (tracking allowed) and returns their signed URL paths. */
export async function seedEmailSend(databaseUrl: string, recipients: number): Promise<EmailBenchData> {
  const storage = openStorage(databaseUrl);
  try {
    await migrateToLatest(storage.db);
    const secrets = await loadInstallSecrets(storage.db, undefined);
    const prepared = prepareMessage(MESSAGE);
    const now = Date.now();
    const sendId = newId();
    const messageId = newId();
    const listId = newId();
    const contacts = Array.from({ length: recipients }, (_, i) => ({ id: newId(), i }));

    await storage.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('messages')
        .values({
          id: messageId,
          name: 'bench',
          ...MESSAGE,
          from_name: null,
          from_email: null,
          reply_to: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await tx
        .insertInto('lists')
        .values({ id: listId, name: 'bench', description: null, created_at: now, updated_at: now })
        .execute();
      await tx
        .insertInto('sends')
        .values({
          id: sendId,
          message_id: messageId,
          list_ids: JSON.stringify([listId]),
          status: 'done',
          ...MESSAGE,
          from_name: null,
          from_email: null,
          reply_to: null,
          created_at: now - 3_600_000,
          prepared_at: now - 3_600_000,
          finished_at: now - 3_500_000,
          recipients_total: recipients,
          duplicates: 0,
          lease_owner: null,
          lease_until: null,
        })
        .execute();
      await tx
        .insertInto('send_links')
        .values(
          prepared.links.map((link) => ({
            send_id: sendId,
            position: link.position,
            url: link.url,
            honeypot: link.honeypot ? 1 : 0,
          })),
        )
        .execute();
      for (let start = 0; start < contacts.length; start += 500) {
        const chunk = contacts.slice(start, start + 500);
        await tx
          .insertInto('contacts')
          .values(
            chunk.map(({ id, i }) => ({
              id,
              email: `reader${i}@mail.example`,
              email_match: `reader${i}@mail.example`,
              first_name: `Reader ${i}`,
              last_name: null,
              company: null,
              phone: null,
              job_title: null,
              country: null,
              custom: '{}',
              prefill_allowed: 0,
              email_tracking: 1,
              created_at: now,
              updated_at: now,
            })),
          )
          .execute();
        await tx
          .insertInto('send_recipients')
          .values(
            chunk.map(({ id, i }) => ({
              send_id: sendId,
              contact_id: id,
              email: `reader${i}@mail.example`,
              status: 'sent' as const,
              block_reason: null,
              last_response: '250 OK',
              sent_at: now - 3_600_000,
              smtp_message_id: null,
            })),
          )
          .execute();
      }
    });

    const trackedLinks = prepared.links.filter((link) => !link.honeypot);
    const pixelPaths: string[] = [];
    const clickPaths: string[] = [];
    for (const { id } of contacts) {
      const urls = trackingUrlsFor('', secrets.signer, sendId, id);
      pixelPaths.push(urls.pixel);
      for (const link of trackedLinks) clickPaths.push(urls.click(link.position));
    }
    if (
      !pixelPaths.every((p) => p.startsWith(PIXEL_PATH)) ||
      !clickPaths.every((p) => p.startsWith(CLICK_PATH))
    )
      throw new Error('Unexpected tracking URL shape.');
    return { sendId, pixelPaths, clickPaths };
  } finally {
    await storage.close();
  }
}

/** Opens and clicks the database holds for the send (implied opens left out: they answer no request). */
export async function countEmailEvents(
  databaseUrl: string,
  sendId: string,
): Promise<{ opens: number; clicks: number }> {
  const storage = openStorage(databaseUrl);
  try {
    const rows = await storage.db
      .selectFrom('email_events')
      .select(['kind', storage.db.fn.countAll<number>().as('n')])
      .where('send_id', '=', sendId)
      .where('implied', '=', 0)
      .groupBy('kind')
      .execute();
    const of = (kind: string) => Number(rows.find((r) => r.kind === kind)?.n ?? 0);
    return { opens: of('open'), clicks: of('click') };
  } finally {
    await storage.close();
  }
}

/** A load run of GETs; `ok` counts responses with the expected status (200 pixel, 302 click). */
export type GetLoadResult = LoadResult;

/** GETs random paths of `paths` from `connections` clients for `durationSeconds`, as a mail client or browser would. */
export async function runGetLoad(
  baseUrl: string,
  paths: readonly string[],
  expectStatus: number,
  connections: number,
  durationSeconds: number,
  seed: number,
): Promise<GetLoadResult> {
  const random = new Random(seed);
  return runAutocannon(
    {
      url: baseUrl,
      connections,
      duration: durationSeconds,
      method: 'GET',
      headers: { 'user-agent': CHROME_USER_AGENT, accept: 'image/avif,image/webp,*/*' },
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            path: paths[Math.floor(random.next() * paths.length)] as string,
          }),
        },
      ],
    },
    (status) => status === expectStatus,
  );
}
