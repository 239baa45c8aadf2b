// What a message's merge fields see of a contact ({{ contact.first_name }}, {{ contact.custom.plan }}).
// One mapping for previews and sends, so a preview shows exactly what the recipient will get.
import type { Selectable } from 'kysely';
import type { ContactsTable } from '../../storage/schema.ts';
import type { MergeContact } from './render-email.ts';

export const STANDARD = [
  'email',
  'first_name',
  'last_name',
  'company',
  'phone',
  'job_title',
  'country',
] as const;
/** Names a custom field cannot take at the top level: they already mean something there. */
const RESERVED = new Set<string>([...STANDARD, 'custom']);

type MergeValue = string | number | boolean | null;

function customValues(json: string): Record<string, MergeValue> {
  try {
    const parsed: unknown = JSON.parse(json);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const values: Record<string, MergeValue> = {};
    for (const [key, value] of Object.entries(parsed)) {
      // Field keys are plain names; anything else (say "__proto__") is not one we wrote.
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) continue;
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
        values[key] = value as MergeValue;
    }
    return values;
  } catch {
    return {};
  }
}

/**
 * Standard fields in snake_case; custom fields as contact.custom.<key> and, when the key is not a
 * standard name, also as contact.<key>. Missing values are null (Liquid renders them empty).
 */
export function mergeContactOf(row: Selectable<ContactsTable>): MergeContact {
  const custom = customValues(row.custom);
  const contact: MergeContact = {};
  for (const [key, value] of Object.entries(custom)) if (!RESERVED.has(key)) contact[key] = value;
  for (const field of STANDARD) contact[field] = row[field];
  contact.custom = custom;
  return contact;
}
