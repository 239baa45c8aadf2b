// Sets up a send directly in storage, the way the send job leaves it (message snapshot → prepareMessage →
// sends, send_links and send_recipients rows, lists with their members), and returns each recipient's
// signed tracking URLs. For the engagement tests, which must not depend on the SMTP send job.

import type { Insertable } from 'kysely';
import { type RecipientTrackingUrls, trackingUrlsFor } from '../../src/email/engagement/tracking-urls.ts';
import { type LinkEntry, prepareMessage } from '../../src/email/messages/render-email.ts';
import { DELIVERY_SOURCE, deliveryItemId } from '../../src/email/sends/send-interactions.ts';
import { newId } from '../../src/lib/ids.ts';
import { recordInteraction } from '../../src/platform/interactions/store.ts';
import { type InstallSecrets, loadInstallSecrets } from '../../src/secrets/install-secrets.ts';
import type { SendsTable } from '../../src/storage/schema.ts';
import type { RunningSpoor } from './spoor.ts';

export const FIXTURE_HTML = `<html><body><p>Hi {{ contact.first_name }},</p>
<p><a href="https://www.shop.test/spring-sale?utm_source=email&amp;utm_campaign=spring">See the sale</a></p>
<p><a href="https://www.shop.test/new-arrivals">New arrivals</a></p>
<p><a href="https://www.shop.test/stores">Find a store</a></p>
<p><a href="{{ unsubscribe_url }}" data-spoor-untracked>Unsubscribe</a></p></body></html>`;

export interface FixtureRecipient {
  /** Tracking consent: null = the install's default. */
  tracking?: boolean | null;
  firstName?: string;
}

export interface FixtureContact {
  id: string;
  email: string;
  urls: RecipientTrackingUrls;
  /** The email as this recipient received it. */
  html: string;
}

export interface SendFixture {
  sendId: string;
  messageId: string;
  messageName: string;
  listIds: string[];
  /** Tracked links by position, the honeypot last. */
  links: LinkEntry[];
  honeypotPosition: number;
  contacts: FixtureContact[];
  secrets: InstallSecrets;
}

let counter = 0;

export interface SendFixtureOptions {
  html?: string;
  recipients?: FixtureRecipient[];
  /** How long ago each email was handed over (default an hour: well outside the delivery windows). */
  sentAgoMs?: number;
  /** The lists the send goes to (created when not given); every recipient is subscribed to each. */
  listCount?: number;
  /** Base URL the tracking URLs use (default the app's publicUrl). */
  publicUrl?: string;
}

export async function createSendFixture(
  spoor: RunningSpoor,
  options: SendFixtureOptions = {},
): Promise<SendFixture> {
  const db = spoor.storage.db;
  const secrets = await loadInstallSecrets(db, spoor.config.tokenKeys);
  const html = options.html ?? FIXTURE_HTML;
  const content = { subject: 'Spring sale, {{ contact.first_name }}', html, text: null };
  const prepared = prepareMessage(content);
  const now = Date.now();
  const sentAt = now - (options.sentAgoMs ?? 3_600_000);
  counter += 1;
  const sendId = newId();
  const messageId = newId();
  const messageName = `Spring sale ${counter}`;
  const listIds = Array.from({ length: options.listCount ?? 1 }, () => newId());
  const recipients = options.recipients ?? [{}];
  const contacts = recipients.map((recipient, i) => ({
    id: newId(),
    email: `reader-${counter}-${i}@mail.test`,
    firstName: recipient.firstName ?? `Reader ${i}`,
    tracking: recipient.tracking ?? null,
  }));

  await db.transaction().execute(async (tx) => {
    const message = { ...content, from_name: null, from_email: null, reply_to: null };
    await tx
      .insertInto('messages')
      .values({ id: messageId, name: messageName, ...message, created_at: now, updated_at: now })
      .execute();
    for (const [i, listId] of listIds.entries()) {
      await tx
        .insertInto('lists')
        .values({
          id: listId,
          name: `List ${counter}.${i}`,
          description: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    await tx
      .insertInto('sends')
      .values({
        id: sendId,
        message_id: messageId,
        list_ids: JSON.stringify(listIds),
        status: 'done',
        ...message,
        created_at: sentAt - 60_000,
        prepared_at: sentAt - 60_000,
        finished_at: sentAt,
        recipients_total: contacts.length * listIds.length,
        duplicates: contacts.length * (listIds.length - 1),
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
    for (const contact of contacts) {
      await tx
        .insertInto('contacts')
        .values({
          id: contact.id,
          email: contact.email,
          email_match: contact.email,
          first_name: contact.firstName,
          last_name: null,
          company: null,
          phone: null,
          job_title: null,
          country: null,
          custom: '{}',
          prefill_allowed: 0,
          email_tracking: contact.tracking === null ? null : contact.tracking ? 1 : 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
      for (const listId of listIds) {
        await tx
          .insertInto('list_members')
          .values({
            list_id: listId,
            contact_id: contact.id,
            status: 'subscribed',
            source: 'api',
            added_at: now,
            unsubscribed_at: null,
            unsubscribed_send_id: null,
          })
          .execute();
      }
      await tx
        .insertInto('send_recipients')
        .values({
          send_id: sendId,
          contact_id: contact.id,
          email: contact.email,
          status: 'sent',
          block_reason: null,
          last_response: '250 OK',
          sent_at: sentAt,
          smtp_message_id: null,
        })
        .execute();
      // As the send worker logs an email it sent: the contact's interaction.
      await recordInteraction(tx, DELIVERY_SOURCE, deliveryItemId(sendId, contact.id));
    }
  });

  const publicUrl = options.publicUrl ?? spoor.config.publicUrl;
  return {
    sendId,
    messageId,
    messageName,
    listIds,
    links: prepared.links,
    honeypotPosition: prepared.links.length - 1,
    secrets,
    contacts: contacts.map((contact) => {
      const urls = trackingUrlsFor(publicUrl, secrets.signer, sendId, contact.id);
      return {
        id: contact.id,
        email: contact.email,
        urls,
        html: prepared.render({ first_name: contact.firstName, email: contact.email }, urls).html,
      };
    }),
  };
}

/** The path (and query) of an absolute URL, for app.inject. */
export const pathOf = (url: string) => {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
};

/**
 * A `sends` row to insert directly: a finished send of one message ("S", "<p>H</p>") to no list, made
 * now, with `overrides` on top (status, times, lists, subject, lease).
 */
export function sendRow(id: string, overrides: Partial<Insertable<SendsTable>> = {}): Insertable<SendsTable> {
  const now = Date.now();
  return {
    id,
    message_id: 'm1',
    list_ids: '[]',
    status: 'done',
    subject: 'S',
    html: '<p>H</p>',
    text: null,
    from_name: null,
    from_email: null,
    reply_to: null,
    created_at: now,
    prepared_at: now,
    finished_at: now,
    lease_owner: null,
    lease_until: null,
    ...overrides,
  };
}
