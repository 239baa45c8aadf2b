// The event website's languages: which codes an event may list, and which of its languages a visitor
// gets (their choice, kept in the language cookie, then their browser's, then the event's first). Pure.

const CODE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/;

/** The canonical spelling of a language code (`en-gb` → `en-GB`), or null when it is not one. */
export function canonicalLanguage(code: string): string | null {
  if (!CODE.test(code)) return null;
  try {
    return Intl.getCanonicalLocales(code)[0] ?? null;
  } catch {
    return null;
  }
}

/** The language's own name for itself (`fr` → `français`), for the language switcher. */
export function languageName(code: string): string {
  try {
    const name = new Intl.DisplayNames([code], { type: 'language' }).of(code);
    return name ? name.charAt(0).toLocaleUpperCase(code) + name.slice(1) : code;
  } catch {
    return code;
  }
}

/** The one of `available` that `wanted` names: the same code, or the same language (`fr-CH` → `fr`). */
export function matchLanguage(wanted: string, available: readonly string[]): string | undefined {
  const code = canonicalLanguage(wanted.trim());
  if (!code) return undefined;
  const exact = available.find((a) => a.toLowerCase() === code.toLowerCase());
  if (exact) return exact;
  const primary = code.split('-')[0]?.toLowerCase();
  return available.find((a) => a.split('-')[0]?.toLowerCase() === primary);
}

/** The languages of an Accept-Language header, most wanted first (q=0 left out). */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .slice(0, 1000)
    .split(',')
    .map((item, index) => {
      const [tag = '', ...params] = item.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((item) => item.tag && item.tag !== '*' && item.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((item) => item.tag);
}

export interface LanguageChoice {
  /** What the visitor just picked (a link's `?lang=`). */
  requested?: string | undefined;
  /** The language cookie. */
  cookie?: string | undefined;
  acceptLanguage?: string | undefined;
  /** The event's languages, its default first. */
  available: readonly string[];
}

/**
 * The language to show: the visitor's pick, else the one their cookie keeps, else the first their browser
 * asks for that the event has, else the event's default. `remember` is set when the cookie should change.
 */
export function chooseLanguage(choice: LanguageChoice): { language: string; remember: boolean } {
  const fallback = choice.available[0] ?? 'en';
  const picked = choice.requested ? matchLanguage(choice.requested, choice.available) : undefined;
  if (picked) return { language: picked, remember: picked !== choice.cookie };
  const kept = choice.cookie ? matchLanguage(choice.cookie, choice.available) : undefined;
  if (kept) return { language: kept, remember: false };
  for (const wanted of acceptedLanguages(choice.acceptLanguage)) {
    const found = matchLanguage(wanted, choice.available);
    if (found) return { language: found, remember: false };
  }
  return { language: fallback, remember: false };
}
