// Registering from an event's page goes through Spoor's forms: each event has a form of its own (made on
// first use, listed with the others, so a marketer sees its submissions and may add consent boxes or
// lists), and a post is a form submission like any other: its duplicate detection (the form's match
// rule), the browser's identity and consents are the forms domain's (submitForm), not a second matcher.

import type { Form } from '../forms/form.ts';
import { defineForm } from '../forms/manage-forms.ts';
import { findForm } from '../forms/store.ts';
import { type SubmissionRequest, submitForm } from '../forms/submit-form.ts';
import type { Storage } from '../storage/database.ts';
import type { EventRecord } from './event.ts';
import { textIn } from './event.ts';
import { registrationFormOf, setRegistrationForm } from './store.ts';

/** The event's registration form, made the first time someone registers from the page. */
export async function eventRegistrationForm(storage: Storage, event: EventRecord): Promise<Form> {
  const existing = await registrationFormOf(storage.db, event.id);
  const found = existing ? await findForm(storage.db, existing) : undefined;
  if (found) return found;
  const name = textIn(event.texts, event.languages[0] ?? 'en', event.languages[0] ?? 'en').name;
  const made = await defineForm(storage.db, {
    name: `Event registration: ${name}`.slice(0, 200),
    websiteId: event.websiteId,
    fields: [
      { key: 'firstName', type: 'text', label: 'First name', maxLength: 100 },
      { key: 'lastName', type: 'text', label: 'Last name', maxLength: 100 },
      { key: 'email', type: 'email', label: 'Email address', required: true },
    ],
    matchRule: 'email',
    submitLabel: 'Register',
  });
  // Two first registrations at once: one form is kept (the conditional update), the other is unused.
  await setRegistrationForm(storage.db, event.id, made.id);
  const kept = await registrationFormOf(storage.db, event.id);
  return (kept && (await findForm(storage.db, kept))) || made;
}

/** Submits the person's fields through the event's form: the contact it matched or made (null: none yet). */
export async function contactFromForm(
  storage: Storage,
  event: EventRecord,
  request: Omit<SubmissionRequest, 'form' | 'rememberMe'>,
): Promise<string | null> {
  const form = await eventRegistrationForm(storage, event);
  const result = await submitForm(storage, { ...request, form, rememberMe: false });
  return result.contactId;
}
