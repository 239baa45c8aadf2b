// How values read from storage appear in a contact's export document (shared by every holder).

/** An instant stored as epoch milliseconds (a number, or a string from PostgreSQL bigint) as ISO 8601. */
export const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

export const isoOrNull = (ms: number | string | null) => (ms === null ? null : iso(ms));

/** Stored JSON opened up; text that is not JSON stays the text it is. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
