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
  /** Email open/click tracking: true/false is the contact's own choice, null follows the install default. */
  emailTracking: boolean | null;
  /** Never send this contact marketing email. */
  doNotEmail: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Values for a contact as they arrive (API, form, CSV): standard fields plus custom ones. */
export type ContactValues = Partial<Record<StandardField, string | null>> & {
  custom?: Record<string, unknown>;
};

/** Email permissions as the API sets them; absent = unchanged. */
export interface EmailPermissions {
  /** null = follow the install's default (SPOOR_EMAIL_TRACKING_DEFAULT). */
  emailTracking?: boolean | null;
  doNotEmail?: boolean;
}

export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
}
