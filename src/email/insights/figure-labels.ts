// The words for every email figure, in one place: the insights API's drill-down titles and CSV names,
// and the dashboard's pages (which import this file) say "unique" and "total" the same way everywhere.
// listmonk's campaign list showed total views where its analytics page showed unique ones, and users
// could not tell why the numbers disagreed (listmonk#2744). No imports: the dashboard bundles it as is.

export type Count = 'unique' | 'total';
/** Opens: a person or a machine (privacy proxy, prefetch). Clicks: a person or a scanner. */
export type Audience = 'human' | 'machine';
export type Measure = 'opens' | 'clicks' | 'unsubscribes';

export const COUNT_WORD: Record<Count, string> = { unique: 'Unique', total: 'Total' };

/** What unique and total mean, shown beside each figure (a tooltip, a table caption). */
export const COUNT_MEANING: Record<Count, string> = {
  unique: 'each recipient counted once',
  total: 'every time, repeats included',
};

const AUDIENCE_WORD: Record<Measure, Record<Audience, string>> = {
  opens: { human: 'human', machine: 'machine' },
  clicks: { human: 'human', machine: 'scanner' },
  unsubscribes: { human: '', machine: '' },
};

/** "Unique human opens", "Total scanner clicks", "Unique unsubscribes". */
export function figureLabel(measure: Measure, count: Count, audience: Audience = 'human'): string {
  const who = AUDIENCE_WORD[measure][audience];
  return [COUNT_WORD[count], who, measure].filter(Boolean).join(' ');
}

/** The rates of PRODUCT.md ("Definitions marketers rely on"), with their formulas spelled out. */
export const RATE_LABELS = {
  openRate: { label: 'Open rate', formula: 'Unique human opens ÷ delivered' },
  clickThroughRate: { label: 'Click-through rate', formula: 'Unique human clicks ÷ delivered' },
  clickToOpenRate: { label: 'Click-to-open rate', formula: 'Unique human clicks ÷ unique human opens' },
} as const;

/** The delivery funnel's steps, in order, with what each counts. */
export const DELIVERY_LABELS = {
  recipients: {
    label: 'Recipients',
    meaning: 'memberships found on the lists (a contact on two lists counts twice)',
  },
  duplicates: { label: 'Duplicates', meaning: 'the same contact on more than one list: sent once' },
  blocked: { label: 'Blocked', meaning: 'never attempted, for the reason shown' },
  sent: { label: 'Sent', meaning: 'recipients − duplicates − blocked' },
  delivered: { label: 'Delivered', meaning: 'sent − hard bounces − soft bounces' },
  bounced: { label: 'Bounced', meaning: 'refused by the receiving server' },
  hardBounces: { label: 'Hard bounces', meaning: 'the address does not exist: not attempted again' },
  softBounces: { label: 'Soft bounces', meaning: 'refused after every retry' },
  pending: { label: 'Pending', meaning: 'not attempted yet, or waiting for a retry' },
} as const;

export const BLOCK_REASON_LABELS: Record<string, string> = {
  unsubscribed: 'Unsubscribed from the lists',
  do_not_email: 'Do not email',
  no_address: 'No email address',
  hard_bounced: 'Address bounced before (suppressed)',
};

/** The figures whose contacts can be listed (GET /api/sends/{id}/contacts?figure=…). */
export const CONTACT_FIGURES = [
  'recipients',
  'blocked',
  'sent',
  'delivered',
  'bounced',
  'hard_bounce',
  'soft_bounce',
  'pending',
  'opened',
  'clicked',
  'unsubscribed',
] as const;
export type ContactFigure = (typeof CONTACT_FIGURES)[number];

/** Figures read from the recipients' delivery rows; the others from their engagement. */
export const DELIVERY_FIGURES: readonly ContactFigure[] = [
  'recipients',
  'blocked',
  'sent',
  'delivered',
  'bounced',
  'hard_bounce',
  'soft_bounce',
  'pending',
];

/** The title of a list of contacts behind a figure: the figure's own label, so both read alike. */
export function contactFigureLabel(
  figure: ContactFigure,
  options: { audience?: Audience; link?: number; reason?: string; domain?: string } = {},
): string {
  const audience = options.audience ?? 'human';
  const base: Record<ContactFigure, string> = {
    recipients: 'Contacts on the lists',
    blocked: options.reason
      ? `Blocked: ${BLOCK_REASON_LABELS[options.reason] ?? options.reason}`
      : DELIVERY_LABELS.blocked.label,
    sent: DELIVERY_LABELS.sent.label,
    delivered: DELIVERY_LABELS.delivered.label,
    bounced: DELIVERY_LABELS.bounced.label,
    hard_bounce: DELIVERY_LABELS.hardBounces.label,
    soft_bounce: DELIVERY_LABELS.softBounces.label,
    pending: DELIVERY_LABELS.pending.label,
    opened: figureLabel('opens', 'unique', audience),
    clicked: figureLabel('clicks', 'unique', audience),
    unsubscribed: figureLabel('unsubscribes', 'unique'),
  };
  const link = options.link === undefined ? '' : ` on link ${options.link + 1}`;
  const domain = options.domain ? ` at ${options.domain}` : '';
  return `${base[figure]}${link}${domain}`;
}
