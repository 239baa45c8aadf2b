// The words for what happens after sending, shared by the insights, the suppression list, the bounce
// reports and a contact's timeline: outcome kinds, D365's bounce categories, how a report arrived, why an
// address is suppressed and what someone unsubscribed with. An unknown value shows as it is.

export const OUTCOME_KIND_LABELS: Record<string, string> = {
  hard_bounce: 'Hard bounce',
  soft_bounce: 'Soft bounce',
  blocked: 'Blocked',
  complaint: 'Complaint',
  auto_reply: 'Auto-reply',
};

/** The order kinds are listed in. */
export const OUTCOME_KIND_ORDER = ['hard_bounce', 'soft_bounce', 'blocked', 'complaint', 'auto_reply'];

const CATEGORY_WORDS: Record<string, string> = {
  'dmarc-issues': 'DMARC issues',
  'auto-reply': 'auto-reply',
  'challenge-response': 'challenge-response',
};

/** D365's bounce category ("invalid-mailbox") as words ("Invalid mailbox"). */
export function categoryLabel(category: string | null | undefined): string {
  if (!category) return '—';
  const words = CATEGORY_WORDS[category] ?? category.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const VIA_LABELS: Record<string, string> = {
  smtp: "the server's answer while sending",
  dsn: 'a delivery report (DSN) after acceptance',
  arf: 'a complaint report (ARF)',
  reply: 'a reply to the return address',
  webhook: "the email provider's webhook",
};

export const SUPPRESSION_REASON_LABELS: Record<string, string> = {
  hard_bounce: 'Hard bounce',
  soft_bounces: 'Soft bounces (the window filled)',
  complaint: 'Complaint (marked as spam)',
  manual: 'Lifted by a user',
};

export const UNSUBSCRIBE_SOURCE_LABELS: Record<string, string> = {
  unsubscribe_link: "The unsubscribe link or the mail provider's one-click button",
  subscription_center: 'The subscription center',
  complaint: 'A complaint (marked an email as spam)',
  unsubscribe_mail: 'An email to the unsubscribe address (List-Unsubscribe mailto:)',
  form: 'A form',
  double_opt_in: 'A confirmed sign-up',
  api: 'The API',
};

export const labelOf = (labels: Record<string, string>, value: string | null | undefined) =>
  value ? (labels[value] ?? value.replace(/_/g, ' ')) : '—';
