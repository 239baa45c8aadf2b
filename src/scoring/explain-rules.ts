// A score in words: each rule's awards that still count (count × points), manual adjustments, and what
// expired or decayed, so "42 = 3 × Pricing page (10) + Webinar registration 15 − Unsubscribed 3, 6 points
// expired" can be shown beside the score. Pure (decision 036).
import { type LedgerEntry, valueAt } from './award-rules.ts';
import type { Decay, Rule } from './model-rules.ts';

export interface ExplainedEntry extends LedgerEntry {
  reason: string | null;
}

export interface ExplanationPart {
  ruleId: string | null;
  /** The rule's name, or "Manual adjustment: <reason>". */
  label: string;
  awards: number;
  /** What these awards count now (after decay). */
  points: number;
}

export interface Explanation {
  score: number;
  parts: ExplanationPart[];
  /** Points awarded that no longer count (expired, or decayed away under a half-life). */
  expiredPoints: number;
  text: string;
}

export function explainScore(
  decay: Decay,
  rules: readonly Pick<Rule, 'id' | 'name'>[],
  entries: readonly ExplainedEntry[],
  now: number,
): Explanation {
  const names = new Map(rules.map((rule) => [rule.id, rule.name]));
  const parts = new Map<string, ExplanationPart>();
  let awarded = 0;
  let total = 0;
  for (const entry of entries) {
    const value = valueAt(decay, entry, now);
    awarded += entry.points;
    total += value;
    if (value === 0) continue;
    const key = entry.ruleId === null ? `manual\u0000${entry.reason ?? ''}` : `rule\u0000${entry.ruleId}`;
    const label =
      entry.ruleId === null
        ? `Manual adjustment${entry.reason ? `: ${entry.reason}` : ''}`
        : (names.get(entry.ruleId) ?? `Rule ${entry.ruleId} (no longer in the model)`);
    const part = parts.get(key) ?? { ruleId: entry.ruleId, label, awards: 0, points: 0 };
    part.awards += 1;
    part.points += value;
    parts.set(key, part);
  }
  const list = [...parts.values()]
    .map((part) => ({ ...part, points: Math.round(part.points * 100) / 100 }))
    .sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || a.label.localeCompare(b.label));
  const score = Math.round(total);
  const expiredPoints = Math.round(awarded - total);
  return { score, parts: list, expiredPoints, text: sentence(score, list, expiredPoints, decay) };
}

const fmt = (n: number) => (Number.isInteger(n) ? String(Math.abs(n)) : Math.abs(n).toFixed(1));

function sentence(score: number, parts: readonly ExplanationPart[], expired: number, decay: Decay): string {
  if (parts.length === 0 && expired === 0) return `${score}: nothing scored yet`;
  const terms = parts.map((part, i) => {
    const sign = part.points < 0 ? (i === 0 ? '−' : ' − ') : i === 0 ? '' : ' + ';
    const each = part.points / part.awards;
    const body =
      part.awards > 1 && Number.isInteger(each)
        ? `${part.awards} × ${part.label} (${fmt(each)})`
        : `${part.label} ${fmt(part.points)}`;
    return `${sign}${body}`;
  });
  const lost = decay.type === 'half_life' ? 'decayed' : 'expired';
  // Everything gone (a fit award ended, every award expired): "0 = 0, 20 points expired".
  const tail = expired !== 0 ? `, ${expired} points ${lost}` : '';
  return `${score} = ${terms.join('') || '0'}${tail}`;
}
