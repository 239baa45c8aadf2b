// Which of a contact's fields a write changed (names only: a contact.updated webhook says which, and a
// receiver reads the values through the API). Custom fields are named `custom.<key>`.

/** A contact's values as stored (the store's ContactRow has this shape). */
interface ContactValuesRow {
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  phone: string | null;
  job_title: string | null;
  country: string | null;
  custom: Record<string, unknown>;
}

const STANDARD = ['email', 'first_name', 'last_name', 'company', 'phone', 'job_title', 'country'] as const;

/** The API's spelling of each column. */
const API_NAME: Record<(typeof STANDARD)[number], string> = {
  email: 'email',
  first_name: 'firstName',
  last_name: 'lastName',
  company: 'company',
  phone: 'phone',
  job_title: 'jobTitle',
  country: 'country',
};

export function changedFields(before: ContactValuesRow, after: ContactValuesRow): string[] {
  const changed: string[] = STANDARD.filter((column) => before[column] !== after[column]).map(
    (column) => API_NAME[column],
  );
  const keys = new Set([...Object.keys(before.custom), ...Object.keys(after.custom)]);
  for (const key of [...keys].sort())
    if (JSON.stringify(before.custom[key] ?? null) !== JSON.stringify(after.custom[key] ?? null))
      changed.push(`custom.${key}`);
  return changed;
}
