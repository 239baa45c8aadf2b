// Accepting a form submission: check it, store it durably, then match it to a contact, link the
// browser and remember the prefill choice. A submission that fails after it was stored is retried
// by the submission worker; a repeated submission key (double click, retry) is processed once.
import { applyValues, ContactValidationError, EMPTY_ROW } from '../contacts/manage-contacts.ts';
import { listCustomFields } from '../contacts/store.ts';
import { matchOrCreateContact, toContactValues } from '../identity/match-contact.ts';
import { createVisitor, linkVisitor, resolveVisitor } from '../identity/store.ts';
import { AppError } from '../lib/errors.ts';
import { isWellFormedId, newId } from '../lib/ids.ts';
import { utcDay } from '../lib/time.ts';
import { doubleOptInListIds } from '../lists/consent-store.ts';
import { needsConfirmation, type PendingPayload, startPendingSignup } from '../lists/pending-signups.ts';
import { type ConsentContext, subscribeToLists } from '../lists/store.ts';
import type { Storage } from '../storage/database.ts';
import type { Db } from '../storage/schema.ts';
import { countForm } from './counts-store.ts';
import type { Form } from './form.ts';
import { type AfterSubmit, type FormDefinition, toDefinition } from './form-definition.ts';
import { rememberChoice } from './prefill.ts';
import {
  findForm,
  findSubmissionByKey,
  insertSubmission,
  lockSubmission,
  markProcessed,
  markSubmission,
} from './store.ts';
import { checkSubmission } from './validate-submission.ts';

export interface SubmissionRequest {
  form: Form;
  fields: Record<string, unknown>;
  /** One-time token rendered into the form; repeats of it are the same submission. */
  submissionKey: string | null;
  honeypot: string | null;
  rememberMe: boolean;
  /** No cookie may be read, set or linked (the page's consent, or GPC). */
  anonymous: boolean;
  cookieVisitorId: string | null;
  mirrorVisitorId: string | null;
  receivedAt: number;
}

export interface SubmissionResult {
  submissionId: string;
  contactId: string | null;
  afterSubmit: AfterSubmit;
  /** The browser's visitor id, to (re)set its cookie; null when anonymous. */
  visitorId: string | null;
  /** A new prefill token for the cookie, when the contact chose "remember me". */
  prefillToken: string | null;
}

/** Field errors, shown beside the fields (422). */
export class FormValidationError extends AppError {
  constructor(readonly fieldErrors: Record<string, string>) {
    super('unprocessable', 'Please correct the highlighted fields.', { fields: fieldErrors });
  }
}

export interface StoredPayload {
  values: Record<string, string | null>;
  consents: Record<string, boolean>;
  rememberMe: boolean;
  cookieVisitorId: string | null;
  mirrorVisitorId: string | null;
}

const SUBMISSION_KEY = /^[A-Za-z0-9_-]{16,64}$/;

export async function submitForm(storage: Storage, request: SubmissionRequest): Promise<SubmissionResult> {
  const { form } = request;
  const quietResult = {
    submissionId: '',
    contactId: null,
    afterSubmit: form.definition.afterSubmit,
    visitorId: null,
    prefillToken: null,
  };
  // Bots that fill the hidden honeypot get the same answer as people and leave nothing behind.
  if (request.honeypot) return quietResult;

  const checked = checkSubmission(form.definition, request.fields);
  if (!checked.ok) throw new FormValidationError(checked.errors);
  if (form.definition.doubleOptIn && !checked.value.contactValues['email'])
    throw new FormValidationError({ email: 'Please give your email: we send you a link to confirm.' });
  const contactCheck = applyValues(
    EMPTY_ROW,
    toContactValues(checked.value.contactValues),
    await listCustomFields(storage.db),
  );
  if ('problems' in contactCheck) throw new ContactValidationError(contactCheck.problems);

  const submissionKey =
    request.submissionKey && SUBMISSION_KEY.test(request.submissionKey) ? request.submissionKey : newId();
  const payload: StoredPayload = {
    values: checked.value.contactValues,
    consents: checked.value.consents,
    rememberMe: request.rememberMe,
    cookieVisitorId:
      request.anonymous || !isWellFormedId(request.cookieVisitorId) ? null : request.cookieVisitorId,
    mirrorVisitorId:
      request.anonymous || !isWellFormedId(request.mirrorVisitorId) ? null : request.mirrorVisitorId,
  };
  const id = newId();
  const stored = await insertSubmission(storage.db, {
    id,
    form_id: form.id,
    submission_key: submissionKey,
    received_at: request.receivedAt,
    status: 'pending',
    payload: JSON.stringify(payload),
    visitor_id: null,
    anonymous: request.anonymous ? 1 : 0,
    contact_id: null,
    outcome: null,
    error: null,
  });
  if (!stored) {
    const first = await findSubmissionByKey(storage.db, form.id, submissionKey);
    return {
      ...quietResult,
      submissionId: first?.id ?? '',
      contactId: first?.contact_id ?? null,
      visitorId: first?.visitor_id ?? null,
    };
  }

  await countForm(storage.db, form.id, utcDay(request.receivedAt), 'submissions');
  try {
    const processed = await processSubmission(storage, id);
    return { submissionId: id, afterSubmit: form.definition.afterSubmit, ...processed };
  } catch {
    // Stored, so not lost: the worker retries it. The person still gets their thank-you.
    return { ...quietResult, submissionId: id };
  }
}

export interface ProcessedSubmission {
  contactId: string | null;
  visitorId: string | null;
  prefillToken: string | null;
}

/** Matches, links and remembers one stored submission, all in one transaction. Safe to call twice. */
export async function processSubmission(
  storage: Storage,
  submissionId: string,
): Promise<ProcessedSubmission> {
  try {
    return await storage.db.transaction().execute(async (tx) => {
      const row = await lockSubmission(tx, submissionId, storage.engine);
      if (!row) throw new AppError('not_found', `No submission "${submissionId}".`);
      if (row.status !== 'pending')
        return { contactId: row.contact_id, visitorId: row.visitor_id, prefillToken: null };
      const form = await findForm(tx, row.form_id);
      if (!form) throw new Error(`The form of submission "${submissionId}" is gone.`);
      const definition = form.definition;
      const payload = JSON.parse(row.payload) as StoredPayload;
      const now = Date.now();

      // A ticked consent box is the person asking for that list, so an earlier unsubscribe gives way.
      // A list the form subscribes to without a box only adds newcomers: sending the form again (a
      // contact form, an event sign-up) must not undo an unsubscribe. An unticked box changes nothing.
      const lists = definition.lists ?? [];
      const asked = lists
        .filter((s) => s.consentField !== undefined && payload.consents[s.consentField] === true)
        .map((s) => s.listId);
      const implied = lists.filter((s) => s.consentField === undefined).map((s) => s.listId);
      const all = [...asked, ...implied];
      if (needsConfirmation(definition.doubleOptIn === true, all, await doubleOptInListIds(tx, all))) {
        // Double opt-in: no contact until the person confirms (src/email/subscription-center).
        const email = payload.values['email'];
        if (!email)
          throw new ContactValidationError([
            { field: 'email', message: 'is needed: the sign-up is confirmed by email' },
          ]);
        const pending: PendingPayload<StoredPayload> = {
          submission: payload,
          asked,
          implied,
          submittedAt: Number(row.received_at),
          anonymous: Number(row.anonymous) === 1,
        };
        await startPendingSignup(tx, {
          id: submissionId,
          formId: form.id,
          submissionId,
          email,
          payload: pending,
          now,
        });
        await markSubmission(tx, submissionId, { status: 'processed', contactId: null, outcome: null });
        return { contactId: null, visitorId: null, prefillToken: null };
      }
      const applied = await applySubmission(tx, storage.engine, {
        definition,
        payload,
        anonymous: Number(row.anonymous) === 1,
        asked,
        implied,
        now,
        consent: { source: 'form' },
      });
      await markProcessed(tx, submissionId, {
        contactId: applied.contactId,
        outcome: applied.outcome,
        visitorId: applied.visitorId,
      });
      // Counted on the day it was submitted, beside the submission itself.
      await countForm(tx, form.id, utcDay(Number(row.received_at)), applied.outcome);
      return {
        contactId: applied.contactId,
        visitorId: applied.visitorId,
        prefillToken: applied.prefillToken,
      };
    });
  } catch (error) {
    // Invalid data cannot get better by retrying; anything else stays pending for the worker.
    if (error instanceof ContactValidationError) {
      await markSubmission(storage.db, submissionId, { status: 'failed', error: error.message });
    }
    throw error;
  }
}

/**
 * What a submission does once it is the contact's own: match or create the contact, link the submitting
 * browser, join the lists (a ticked box rejoins; a list without a box adds newcomers only), remember the
 * prefill choice. Run at submission, or when the person confirms a sign-up that waited (double opt-in).
 */
export async function applySubmission(
  tx: Db,
  engine: Storage['engine'],
  input: {
    definition: FormDefinition;
    payload: StoredPayload;
    anonymous: boolean;
    asked: readonly string[];
    implied: readonly string[];
    now: number;
    consent: ConsentContext;
  },
): Promise<{
  contactId: string;
  outcome: 'created' | 'updated';
  visitorId: string | null;
  prefillToken: string | null;
}> {
  const { definition, payload, now } = input;
  const visitor = input.anonymous ? null : await browserVisitor(tx, payload, now);
  const match = await matchOrCreateContact(tx, engine, {
    rule: definition.matchFields,
    onMatch: definition.onMatch,
    values: payload.values,
    browserContactId: visitor?.contactId ?? null,
    now,
  });
  if (visitor) await linkVisitor(tx, visitor.id, match.contactId);
  const options = { source: 'form' as const, now, consent: input.consent };
  await subscribeToLists(tx, match.contactId, input.asked, { ...options, resubscribe: true });
  await subscribeToLists(tx, match.contactId, input.implied, { ...options, resubscribe: false });
  const prefillToken =
    !input.anonymous && definition.prefill
      ? await rememberChoice(tx, match.contactId, payload.rememberMe, now)
      : null;
  return { contactId: match.contactId, outcome: match.outcome, visitorId: visitor?.id ?? null, prefillToken };
}

/**
 * A sign-up the person confirmed (double opt-in, src/email/subscription-center): applied as the submission
 * would have been at once, the submission now the contact's, counted on the day it was submitted. A form
 * deleted meanwhile still confirms, matching by email.
 */
export async function applyConfirmedSignup(
  tx: Db,
  engine: Storage['engine'],
  input: {
    formId: string;
    submissionId: string;
    payload: PendingPayload;
    now: number;
    consent: ConsentContext;
  },
): Promise<string> {
  const form = await findForm(tx, input.formId);
  const { payload } = input;
  const applied = await applySubmission(tx, engine, {
    definition: form?.definition ?? toDefinition({ name: '', fields: [] }),
    payload: payload.submission as StoredPayload,
    anonymous: payload.anonymous,
    asked: payload.asked,
    implied: payload.implied,
    now: input.now,
    consent: input.consent,
  });
  await markProcessed(tx, input.submissionId, {
    contactId: applied.contactId,
    outcome: applied.outcome,
    visitorId: applied.visitorId,
  });
  if (form) await countForm(tx, form.id, utcDay(payload.submittedAt), applied.outcome);
  return applied.contactId;
}

/** The submitting browser's visitor; a browser we never saw (no script ran) becomes one now. */
async function browserVisitor(tx: Db, payload: StoredPayload, now: number) {
  const known = await resolveVisitor(tx, [payload.cookieVisitorId, payload.mirrorVisitorId]);
  if (known) return known;
  const id = payload.cookieVisitorId ?? payload.mirrorVisitorId ?? newId();
  await createVisitor(tx, id, now);
  return { id, contactId: null };
}
