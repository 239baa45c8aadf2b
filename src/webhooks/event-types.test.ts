import { describe, expect, it } from 'vitest';
import type { Interaction } from '../platform/interactions/interaction.ts';
import {
  EVENT_TYPE_NAMES,
  eventTypeOf,
  MAX_PAYLOAD_BYTES,
  payloadOf,
  WEBHOOK_EVENT_TYPES,
} from './event-types.ts';

const item = (
  kind: string,
  attributes: Record<string, unknown> = {},
  extra: Partial<Interaction> = {},
): Interaction => ({
  id: 'i1',
  source: 's',
  kind,
  contactId: 'c1',
  occurredAt: '2026-12-06T12:00:00.000Z',
  subjects: {},
  machine: null,
  attributes,
  ...extra,
});

describe('eventTypeOf', () => {
  it.each([
    ['contact_created', {}, 'contact.created'],
    ['contact_updated', {}, 'contact.updated'],
    ['contact_merged', {}, 'contact.merged'],
    ['contact_erased', {}, 'contact.erased'],
    ['form_submission', {}, 'form.submitted'],
    ['visit', {}, 'website.visited'],
    ['email_sent', { status: 'sent' }, 'email.sent'],
    ['email_sent', { status: 'hard_bounce' }, 'email.bounced'],
    ['email_sent', { status: 'soft_bounce' }, 'email.bounced'],
    ['email_bounce', {}, 'email.bounced'],
    ['email_open', {}, 'email.opened'],
    ['email_click', {}, 'email.clicked'],
    ['email_unsubscribe', {}, 'email.unsubscribed'],
    ['email_complaint', {}, 'email.complained'],
    ['email_forwarded', {}, 'email.forwarded'],
    ['list_subscribed', {}, 'list.subscribed'],
    ['list_unsubscribed', {}, 'list.unsubscribed'],
    ['offer_claim', {}, 'offer.claimed'],
    ['event_registered', {}, 'event.registered'],
    ['event_waitlisted', {}, 'event.waitlisted'],
    ['event_cancelled', {}, 'event.cancelled'],
    ['event_check_in', {}, 'event.checked_in'],
    ['score_changed', {}, 'score.changed'],
    ['became_sales_ready', {}, 'contact.sales_ready'],
    ['email_auto_reply', {}, null],
    ['event_place_offered', {}, null],
    ['something_new', {}, null],
  ])('%s %j → %s', (kind, attributes, expected) => {
    expect(eventTypeOf({ kind, attributes })).toBe(expected);
  });

  it('every type made is in the named list, each listed once', () => {
    expect(new Set(EVENT_TYPE_NAMES).size).toBe(WEBHOOK_EVENT_TYPES.length);
  });
});

describe('payloadOf', () => {
  it('labels a machine open instead of dropping it', () => {
    const payload = payloadOf(item('email_open', {}, { machine: 'apple-mpp' }), 'email.opened');
    expect(payload).toMatchObject({ type: 'email.opened', data: { machine: 'apple-mpp', contactId: 'c1' } });
  });

  it("leaves out a form's values (thin; read them with the API)", () => {
    const payload = payloadOf(
      item('form_submission', { status: 'matched', values: { email: 'a@b.test' }, consents: { news: true } }),
      'form.submitted',
    );
    expect(payload.data.attributes).toEqual({ status: 'matched' });
  });

  it('keeps the body under 20 KB: a huge item goes without attributes and names', () => {
    const big = item(
      'email_click',
      { note: 'x'.repeat(30_000) },
      { subjects: { link: { id: '1', name: 'y'.repeat(100) } } },
    );
    const payload = payloadOf(big, 'email.clicked');
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(payload.data).toMatchObject({
      truncated: true,
      attributes: {},
      subjects: { link: { id: '1', name: null } },
    });
  });
});
