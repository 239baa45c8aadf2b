// The scoring API's shapes as the dashboard uses them (from the generated contract types).
import type { paths } from '../../api/schema';

export type ScoringModel =
  paths['/api/scoring/models/{id}']['get']['responses'][200]['content']['application/json'];
export type ModelSpec = NonNullable<ScoringModel['published']>['model'];
export type Rule = ModelSpec['rules'][number];
export type Condition = Rule['condition'];
export type ContactScore =
  paths['/api/contacts/{id}/scores']['get']['responses'][200]['content']['application/json']['scores'][number];
export type Insights =
  paths['/api/scoring/models/{id}/insights']['get']['responses'][200]['content']['application/json'];

/** Each condition type, as a marketer reads it, and the one setting it takes (if any). */
export const CONDITIONS: {
  type: Condition['type'];
  label: string;
  param?: { key: string; label: string; numeric?: boolean };
}[] = [
  {
    type: 'page_visit',
    label: 'Visits a page',
    param: { key: 'urlPattern', label: 'Page path (* matches anything)' },
  },
  {
    type: 'engaged_time',
    label: 'Engaged time on a visit',
    param: { key: 'seconds', label: 'At least (seconds)', numeric: true },
  },
  {
    type: 'campaign_visit',
    label: 'Visit from a campaign',
    param: { key: 'utmCampaign', label: 'Campaign (utm_campaign; empty: any)' },
  },
  {
    type: 'form_submitted',
    label: 'Submits a form',
    param: { key: 'formId', label: 'Form id (empty: any form)' },
  },
  {
    type: 'email_opened',
    label: 'Opens an email',
    param: { key: 'messageId', label: 'Message id (empty: any)' },
  },
  {
    type: 'email_clicked',
    label: 'Clicks a link in an email',
    param: { key: 'linkPattern', label: 'Link URL (* matches anything; empty: any)' },
  },
  { type: 'unsubscribed', label: 'Unsubscribes from a list' },
  {
    type: 'offer_claimed',
    label: 'Claims an offer',
    param: { key: 'offerId', label: 'Offer id (empty: any)' },
  },
  {
    type: 'event_registered',
    label: 'Registers for an event',
    param: { key: 'eventId', label: 'Event id (empty: any)' },
  },
  {
    type: 'event_attended',
    label: 'Attends an event',
    param: { key: 'eventId', label: 'Event id (empty: any)' },
  },
  { type: 'contact_field', label: 'Fit: a contact field contains', param: { key: 'value', label: 'Value' } },
];

export const conditionLabel = (type: string) => CONDITIONS.find((c) => c.type === type)?.label ?? type;

export function decayText(decay: ModelSpec['decay']): string {
  if (decay.type === 'none') return 'Points never expire';
  if (decay.type === 'expiry') return `Points expire after ${decay.days} days`;
  return `Points halve every ${decay.days} days`;
}

/** A starting model for a new one: the kind of rules most teams begin with. */
export const STARTER: ModelSpec = {
  rules: [
    {
      id: 'pricing',
      name: 'Pricing page visit',
      condition: { type: 'page_visit', urlPattern: '/pricing*' },
      points: 10,
      frequency: 'each',
      maxPerDay: 3,
    },
    {
      id: 'form',
      name: 'Form submitted',
      condition: { type: 'form_submitted' },
      points: 15,
      frequency: 'each',
    },
    {
      id: 'click',
      name: 'Email link clicked',
      condition: { type: 'email_clicked' },
      points: 5,
      frequency: 'each',
      maxPerDay: 5,
    },
    {
      id: 'event',
      name: 'Event registration',
      condition: { type: 'event_registered' },
      points: 15,
      frequency: 'each',
    },
    {
      id: 'unsubscribed',
      name: 'Unsubscribed',
      condition: { type: 'unsubscribed' },
      points: -10,
      frequency: 'each',
    },
  ],
  decay: { type: 'expiry', days: 90 },
  grades: [
    { name: 'A', min: 80 },
    { name: 'B', min: 50 },
    { name: 'C', min: 20 },
    { name: 'D', min: 0 },
  ],
  salesReadyThreshold: 60,
  maxScore: null,
};
