// The shapes the events pages read (as the API answers them: dashboard/src/api/schema.d.ts).
import type { paths } from '../../api/schema';

export type EventDoc = paths['/api/events/{id}']['get']['responses'][200]['content']['application/json'];
export type EventSummary =
  paths['/api/events']['get']['responses'][200]['content']['application/json']['events'][number];
export type EventSession = EventDoc['sessions'][number];
export type EventPass = EventDoc['passes'][number];

/** `2027-09-14T09:00:00+02:00` → `2027-09-14T09:00` (a datetime-local value, in the event's zone). */
export const wall = (time: string | null | undefined) => (time ? time.slice(0, 16) : '');

/** `2027-09-14T09:00:00+02:00` → `2027-09-14 09:00` (read as the event's local time). */
export const shownTime = (time: string) => time.slice(0, 16).replace('T', ' ');

/** The text in the event's default language (any, if that one is missing). */
export function defaultText(texts: Record<string, string>, languages: readonly string[]): string {
  return texts[languages[0] ?? ''] ?? Object.values(texts)[0] ?? '';
}

/** Per-language texts from a form: `name.en`, `name.fr`… (blank ones left out). */
export function localized(
  form: FormData,
  field: string,
  languages: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const code of languages) {
    const value = String(form.get(`${field}.${code}`) ?? '').trim();
    if (value) out[code] = value;
  }
  return out;
}

export const optionalNumber = (value: FormDataEntryValue | null) => {
  const text = String(value ?? '').trim();
  return text === '' ? null : Number(text);
};

/** The server's message per field (a 422's `details.fields`). */
export function fieldErrors(error: unknown): Record<string, string> {
  const details = (error as { details?: { fields?: Record<string, string> } } | null)?.details;
  return details?.fields ?? {};
}
