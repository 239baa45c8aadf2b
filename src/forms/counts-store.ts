// A form's daily counters (form_daily_counts): views, submissions and what submissions did to contacts,
// one row per form and UTC day, so a form's figures never count its submissions one by one.
import type { Db } from '../storage/schema.ts';

type Counter = 'views' | 'submissions' | 'created' | 'updated';

/** Adds one to a form's counter for the day (the row is made on the day's first count). */
export async function countForm(db: Db, formId: string, day: string, counter: Counter): Promise<void> {
  await db
    .insertInto('form_daily_counts')
    .values({ form_id: formId, day, [counter]: 1 })
    .onConflict((oc) =>
      oc.columns(['form_id', 'day']).doUpdateSet((eb) => ({
        [counter]: eb(eb.ref(`form_daily_counts.${counter}`), '+', 1),
      })),
    )
    .execute();
}

/** A form's counters for each day in [fromDay, toDay] that has any, oldest first. */
export async function formCountsBetween(db: Db, formId: string, fromDay: string, toDay: string) {
  const rows = await db
    .selectFrom('form_daily_counts')
    .select(['day', 'views', 'submissions', 'created', 'updated'])
    .where('form_id', '=', formId)
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .orderBy('day')
    .execute();
  return rows.map((row) => ({
    day: row.day,
    views: Number(row.views),
    submissions: Number(row.submissions),
    created: Number(row.created),
    updated: Number(row.updated),
  }));
}
