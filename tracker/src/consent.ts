// The page's consent answer, shared by the tracker and the form loader so both read it the same way.
export type Consent = { anonymize?: unknown; Anonymize?: unknown } | null | undefined;

/** Only an explicit `true` anonymizes (the outbound-marketing spelling `Anonymize` too). */
export const isAnonymous = (o: Consent): boolean => !!o && (o.anonymize === true || o.Anonymize === true);
