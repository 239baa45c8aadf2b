// The contact's fields as the dashboard names them: the standard ones (in the order pages show them) and
// the install's custom fields (GET /api/contact-fields), shared by the contact page, its edit form and the
// fields page.
import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';

export const STANDARD_FIELDS = [
  ['email', 'Email'],
  ['firstName', 'First name'],
  ['lastName', 'Last name'],
  ['company', 'Company'],
  ['jobTitle', 'Job title'],
  ['phone', 'Phone'],
  ['country', 'Country'],
] as const;

export type ContactFieldType = 'text' | 'number' | 'boolean' | 'date';

export interface ContactFieldDefinition {
  key: string;
  label: string;
  type: ContactFieldType;
}

export const FIELD_TYPE_LABELS: Record<ContactFieldType, string> = {
  text: 'Text',
  number: 'Number',
  boolean: 'Yes or no',
  date: 'Date',
};

export function useContactFields() {
  return useQuery({
    queryKey: ['contact-fields'],
    queryFn: async () => (await data(api.GET('/api/contact-fields'))).fields as ContactFieldDefinition[],
  });
}
