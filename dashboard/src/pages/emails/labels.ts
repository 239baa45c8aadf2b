// The Emails pages' words for every figure come from the server's one list (unique vs total alike everywhere).
export {
  BLOCK_REASON_LABELS,
  COUNT_MEANING,
  DELIVERY_LABELS,
  figureLabel,
  RATE_LABELS,
} from '../../../../src/email/insights/figure-labels.ts';
