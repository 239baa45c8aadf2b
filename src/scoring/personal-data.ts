// What lead scoring holds about a contact for the personal-data registry: the ledger (every award and
// adjustment), the scores, the sales-ready status and its history, and the score-change items. A merge
// moves the loser's ledger to the winner and recomputes the winner's scores from it; erasure deletes it all.
import { iso } from '../platform/personal-data/export-values.ts';
import type { PersonalDataHolder } from '../platform/personal-data/registry.ts';
import { applyFit, parseSpec, settleScore } from './score-contacts.ts';
import {
  deleteScoringOf,
  ledgerOf,
  lockContactScores,
  modelById,
  moveScoring,
  scoringDataOf,
  versionById,
  versionIdsOfContact,
} from './store.ts';

export const scoringPersonalData: PersonalDataHolder = {
  name: 'scoring',
  async export({ tx, contactId }) {
    const data = await scoringDataOf(tx, contactId);
    return {
      /** Every award of a scoring rule and every manual adjustment, with why. */
      scoreLedger: data.ledger.map((row) => ({
        modelId: row.model_id,
        versionId: row.version_id,
        ruleId: row.rule_id,
        interaction: row.item_id ? { source: row.source, id: row.item_id } : null,
        points: row.points,
        awardedAt: iso(row.awarded_at),
        expiresAt: row.expires_at === null ? null : iso(row.expires_at),
        reason: row.reason,
        author: row.author,
      })),
      /** The contact's score in each model version, as last computed. */
      leadScores: data.scores.map((row) => ({
        modelId: row.model_id,
        versionId: row.version_id,
        score: row.score,
        grade: row.grade,
        computedAt: iso(row.computed_at),
      })),
      salesReady: data.ready.map((row) => ({
        modelId: row.model_id,
        since: iso(row.since),
        score: row.score,
      })),
      salesReadyHistory: data.changes.map((row) => ({
        modelId: row.model_id,
        change: row.change,
        score: row.score,
        at: iso(row.at),
        author: row.author,
        reason: row.reason,
      })),
    };
  },
  async erase({ tx, contactId }) {
    return deleteScoringOf(tx, contactId);
  },
  async merge({ tx, winnerId, loserId, now }) {
    await moveScoring(tx, loserId, winnerId);
    for (const versionId of await versionIdsOfContact(tx, winnerId)) {
      const version = await versionById(tx, versionId);
      if (!version || (version.state !== 'published' && version.state !== 'publishing')) continue;
      const model = await modelById(tx, version.model_id);
      await lockContactScores(tx, [winnerId], version.model_id);
      const scoring = { version, spec: parseSpec(version.spec), modelName: model?.name ?? '' };
      // The winner's fields decide its fit: a fit award both contacts had counts once.
      const rows = await applyFit(tx, scoring, winnerId, await ledgerOf(tx, winnerId, versionId), now);
      await settleScore(tx, scoring, winnerId, rows, now, version.state === 'published');
    }
  },
};
