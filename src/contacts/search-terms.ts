// How a contact search is read: each word must be the start of the email, the email's domain, the first
// name, the last name or the company. Prefixes, never "contains": every word is a range on an index
// (migration 014-contacts-dashboard), so a rare word is read from its index ranges and a common one
// from the page-ordered walk that finds its page in a few hundred rows (store.ts, searchPlan).

export type SearchTerm =
  /** "@shop.ex": the start of the domain, lower-cased. */
  | { kind: 'domain'; value: string }
  /** "ann@sh": the start of the address, lower-cased. */
  | { kind: 'email'; value: string }
  /** "ann": the start of the address, domain, first name, last name or company. */
  | { kind: 'any'; value: string };

/** Words past this many are ignored: four prefixes narrow any search enough. */
export const MAX_SEARCH_WORDS = 4;

/** The terms of a search box's text; none for blank text. */
export function searchTerms(text: string | undefined): SearchTerm[] {
  const terms: SearchTerm[] = [];
  for (const word of (text ?? '').trim().split(/\s+/)) {
    if (terms.length === MAX_SEARCH_WORDS) break;
    if (word === '' || word === '@') continue;
    if (word.startsWith('@')) terms.push({ kind: 'domain', value: word.slice(1).toLowerCase() });
    else if (word.includes('@')) terms.push({ kind: 'email', value: word.toLowerCase() });
    else terms.push({ kind: 'any', value: word });
  }
  return terms;
}

/** Above every character: `value` to `value + PREFIX_END` holds exactly the strings starting with value. */
export const PREFIX_END = '\u{10FFFF}';
