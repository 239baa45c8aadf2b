// Factories for the records most suites need, made through the admin API the way a user makes them (so a
// fixture is always one the API accepts), each failing loudly with the API's answer when it is refused.
import { expect } from 'vitest';
import { type RunningSpoor, sendFinished } from '../helpers/spoor.ts';

type Json = Record<string, unknown>;

/** POST to the admin API; expects 201 (or `status`) and returns the JSON body. */
export async function createVia<T = Json>(
  spoor: RunningSpoor,
  url: string,
  payload: Json,
  status = 201,
): Promise<T> {
  const res = await spoor.app.inject({ method: 'POST', url, headers: spoor.auth, payload });
  expect(res.statusCode, `POST ${url}: ${res.body}`).toBe(status);
  return res.json();
}

const idOf = async (created: Promise<Json>) => (await created)['id'] as string;

/** A website tracking `allowedOrigins`; returns its id. */
export function createWebsite(
  spoor: RunningSpoor,
  allowedOrigins: string[],
  values: Json = {},
): Promise<string> {
  return idOf(createVia(spoor, '/api/websites', { name: 'Shop', allowedOrigins, ...values }));
}

/** A contact (`email`, `firstName`, …); returns its id. */
export function createContact(spoor: RunningSpoor, values: Json): Promise<string> {
  return idOf(createVia(spoor, '/api/contacts', values));
}

/** A list; returns its id. */
export function createList(spoor: RunningSpoor, name: string, values: Json = {}): Promise<string> {
  return idOf(createVia(spoor, '/api/lists', { name, ...values }));
}

/** Subscribes contacts to a list (as POST /api/lists/{id}/members does). */
export async function addToList(spoor: RunningSpoor, listId: string, contactIds: string[]): Promise<void> {
  await createVia(spoor, `/api/lists/${listId}/members`, { contactIds }, 200);
}

/** A message (`subject`, `html`, …; named after its subject unless `name` is given); returns its id. */
export function createMessage(
  spoor: RunningSpoor,
  values: { subject: string; html: string } & Json,
): Promise<string> {
  return idOf(createVia(spoor, '/api/messages', { name: values.subject, ...values }));
}

export const EMAIL_FIELD = { key: 'email', type: 'email', label: 'Email', required: true } as const;

/** A contact field (`key`, `label`, `type`) forms and imports can then fill. */
export async function createContactField(spoor: RunningSpoor, values: Json): Promise<void> {
  await createVia(spoor, '/api/contact-fields', values);
}

/** A form (by default one required email field, on no website); returns its id. */
export function createForm(spoor: RunningSpoor, values: Json = {}): Promise<string> {
  return idOf(createVia(spoor, '/api/forms', { name: 'Contact us', fields: [EMAIL_FIELD], ...values }));
}

/**
 * A finished send of one message to a new list of new contacts, one per address (the workers must be
 * running); returns the list, the send and each address's contact id.
 */
export async function sendToNewList(
  spoor: RunningSpoor,
  addresses: readonly string[],
  message: { subject: string; html: string } & Json = { subject: 'News', html: '<p>News</p>' },
): Promise<{ listId: string; sendId: string; contactIds: Map<string, string> }> {
  const listId = await createList(spoor, 'News');
  const contactIds = new Map<string, string>();
  for (const email of addresses) contactIds.set(email, await createContact(spoor, { email }));
  await addToList(spoor, listId, [...contactIds.values()]);
  const messageId = await createMessage(spoor, message);
  const { id: sendId } = await createVia<{ id: string }>(
    spoor,
    '/api/sends',
    { messageId, listIds: [listId] },
    202,
  );
  await sendFinished(spoor, sendId);
  return { listId, sendId, contactIds };
}
