// How a contact is named on every page: their name, else their address, else that they have neither.

export interface Named {
  email: string | null;
  firstName: string | null;
  lastName: string | null;
}

export function contactName(contact: Named): string {
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ').trim();
  return name || contact.email || 'Contact without a name or address';
}
