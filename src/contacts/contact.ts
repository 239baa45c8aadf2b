// A contact: a person Spoor knows, with the standard fields and the install's custom fields.
export const STANDARD_FIELDS = [
  'email',
  'firstName',
  'lastName',
  'company',
  'phone',
  'jobTitle',
  'country',
] as const;
export type StandardField = (typeof STANDARD_FIELDS)[number];

export type CustomFieldType = 'text' | 'number' | 'boolean' | 'date';
export type CustomValue = string | number | boolean | null;

export interface Contact {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  phone: string | null;
  jobTitle: string | null;
  country: string | null;
  custom: Record<string, CustomValue>;
  /** The contact ticked "remember me": forms may prefill their values. */
  prefillAllowed: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Values for a contact as they arrive (API, form, CSV): standard fields plus custom ones. */
export type ContactValues = Partial<Record<StandardField, string | null>> & {
  custom?: Record<string, unknown>;
};

export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
}
