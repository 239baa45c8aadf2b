// The webhook event types: one named list, each with the feed kinds it comes from and the Dynamics 365
// Marketing interaction name(s) it corresponds to (for those migrating integrations), and the pure rule
// that turns one feed item into an event and its thin payload. Machine opens, scanner clicks and bot
// visits are sent, labelled (`data.machine`), not dropped: a receiver filters them (decision 037).
import type { Interaction } from '../platform/interactions/interaction.ts';

export interface EventTypeSpec {
  type: string;
  description: string;
  /** The D365 Marketing interaction names the event corresponds to ('' when D365 had none). */
  dynamics: string;
}

export const WEBHOOK_EVENT_TYPES = [
  {
    type: 'contact.created',
    description: 'A contact was created (API, import, form, identification).',
    dynamics: '',
  },
  {
    type: 'contact.updated',
    description: "A contact's fields changed; `data.attributes.fields` names them.",
    dynamics: '',
  },
  {
    type: 'contact.merged',
    description: 'Another contact was merged into this one (`data.attributes.mergedContactId`).',
    dynamics: '',
  },
  {
    type: 'contact.erased',
    description: 'The contact was erased (right to erasure): delete it downstream too.',
    dynamics: '',
  },
  {
    type: 'form.submitted',
    description: "A form submission became the contact's.",
    dynamics: 'FormSubmitted',
  },
  {
    type: 'website.visited',
    description: 'A visit of a known contact started (bots labelled).',
    dynamics: 'WebsiteVisited',
  },
  {
    type: 'email.sent',
    description: 'An email was handed to the mail server for the contact.',
    dynamics: 'EmailSent',
  },
  {
    type: 'email.delivered',
    description: 'Reserved: the receiving mailbox confirmed delivery (no source records this yet).',
    dynamics: 'EmailDelivered',
  },
  {
    type: 'email.bounced',
    description: 'An email bounced, when sent or reported later (`category`: hard or soft).',
    dynamics: 'EmailHardBounced, EmailSoftBounced, EmailBlockBounced',
  },
  {
    type: 'email.opened',
    description: 'An email was opened (machine opens labelled).',
    dynamics: 'EmailOpened',
  },
  {
    type: 'email.clicked',
    description: 'A link in an email was clicked (scanner clicks labelled).',
    dynamics: 'EmailClicked, RedirectLinkClicked',
  },
  {
    type: 'email.unsubscribed',
    description: "The contact unsubscribed through an email's link.",
    dynamics: 'EmailSubscriptionSubmit',
  },
  {
    type: 'email.complained',
    description: 'The contact reported an email as spam.',
    dynamics: 'EmailFeedbackLoop',
  },
  {
    type: 'email.forwarded',
    description: 'The contact forwarded an email to a friend.',
    dynamics: 'EmailForwarded',
  },
  {
    type: 'list.subscribed',
    description: 'The contact subscribed to a list.',
    dynamics: 'SegmentSubscribed',
  },
  {
    type: 'list.unsubscribed',
    description: 'The contact unsubscribed from a list.',
    dynamics: 'SegmentUnsubscribed',
  },
  { type: 'offer.claimed', description: 'The contact claimed an offer.', dynamics: '' },
  {
    type: 'event.registered',
    description: 'The contact registered for an event.',
    dynamics: 'EventRegistration',
  },
  { type: 'event.waitlisted', description: "The contact joined an event's waitlist.", dynamics: '' },
  {
    type: 'event.cancelled',
    description: 'The contact cancelled a registration.',
    dynamics: 'EventRegistrationCancelled',
  },
  { type: 'event.checked_in', description: 'The contact checked in at an event.', dynamics: 'EventCheckIn' },
  {
    type: 'score.changed',
    description: "A scoring model changed the contact's score.",
    dynamics: 'LeadScoreBoost',
  },
  {
    type: 'contact.sales_ready',
    description: "The contact crossed a scoring model's sales-ready threshold.",
    dynamics: '',
  },
] as const satisfies readonly EventTypeSpec[];

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]['type'];

export const EVENT_TYPE_NAMES: readonly WebhookEventType[] = WEBHOOK_EVENT_TYPES.map((t) => t.type);

export function isEventType(name: string): name is WebhookEventType {
  return (EVENT_TYPE_NAMES as readonly string[]).includes(name);
}

/** Feed kind → event type, where one kind always makes the same type. */
const BY_KIND: Record<string, WebhookEventType> = {
  contact_created: 'contact.created',
  contact_updated: 'contact.updated',
  contact_merged: 'contact.merged',
  contact_erased: 'contact.erased',
  form_submission: 'form.submitted',
  visit: 'website.visited',
  email_bounce: 'email.bounced',
  email_open: 'email.opened',
  email_click: 'email.clicked',
  email_unsubscribe: 'email.unsubscribed',
  email_complaint: 'email.complained',
  email_forwarded: 'email.forwarded',
  list_subscribed: 'list.subscribed',
  list_unsubscribed: 'list.unsubscribed',
  offer_claim: 'offer.claimed',
  event_registered: 'event.registered',
  event_waitlisted: 'event.waitlisted',
  event_cancelled: 'event.cancelled',
  event_check_in: 'event.checked_in',
  // The scoring domain's source (`scoring`).
  score_changed: 'score.changed',
  became_sales_ready: 'contact.sales_ready',
};

/** The event a feed item makes, or null (auto-replies, waitlist offers and other kinds no webhook tells of). */
export function eventTypeOf(item: Pick<Interaction, 'kind' | 'attributes'>): WebhookEventType | null {
  if (item.kind === 'email_sent') {
    // Refused when attempted: a bounce, as a DSN reported later would be.
    const status = item.attributes['status'];
    return status === 'hard_bounce' || status === 'soft_bounce' ? 'email.bounced' : 'email.sent';
  }
  return BY_KIND[item.kind] ?? null;
}

/** Attributes left out of a payload: the values a person typed (fetch them with the API), keeping it thin. */
const HEAVY_ATTRIBUTES: Record<string, readonly string[]> = {
  form_submission: ['values', 'consents'],
};

/** Largest body sent (the Standard Webhooks advice); a bigger item goes without its attributes. */
export const MAX_PAYLOAD_BYTES = 20_000;

export interface WebhookPayload {
  type: WebhookEventType;
  timestamp: string;
  data: {
    contactId: string;
    interactionId: string;
    source: string;
    kind: string;
    occurredAt: string;
    subjects: Interaction['subjects'];
    machine: string | null;
    attributes: Record<string, unknown>;
    /** True when the attributes were left out to keep the payload under 20 KB. */
    truncated?: true;
  };
}

/** The thin body `{type, timestamp, data}` of an item's event. */
export function payloadOf(item: Interaction, type: WebhookEventType): WebhookPayload {
  const heavy = HEAVY_ATTRIBUTES[item.kind] ?? [];
  const attributes = Object.fromEntries(
    Object.entries(item.attributes).filter(([key]) => !heavy.includes(key)),
  );
  const payload: WebhookPayload = {
    type,
    timestamp: item.occurredAt,
    data: {
      contactId: item.contactId,
      interactionId: item.id,
      source: item.source,
      kind: item.kind,
      occurredAt: item.occurredAt,
      subjects: item.subjects,
      machine: item.machine,
      attributes,
    },
  };
  if (Buffer.byteLength(JSON.stringify(payload)) <= MAX_PAYLOAD_BYTES) return payload;
  const subjects = Object.fromEntries(
    Object.entries(item.subjects).map(([key, ref]) => [key, { id: ref.id, name: null }]),
  );
  return { ...payload, data: { ...payload.data, subjects, attributes: {}, truncated: true } };
}
