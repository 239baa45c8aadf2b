// The row the website report is filtered by, kept in the URL query (page, entry, referrer, or a campaign's
// utmSource/utmMedium/utmCampaign) so a filtered report can be linked, reloaded and undone with Back. Pure.

export type ReportFilter =
  | { kind: 'page'; path: string }
  | { kind: 'entry'; path: string }
  | { kind: 'referrer'; host: string }
  | { kind: 'campaign'; source: string; medium: string; campaign: string };

const FILTER_KEYS = ['page', 'entry', 'referrer', 'utmSource', 'utmMedium', 'utmCampaign'];

/** The filter a URL query names (the first kind present, in the order above); null for none. */
export function filterFromQuery(query: URLSearchParams): ReportFilter | null {
  const page = query.get('page');
  if (page !== null) return { kind: 'page', path: page };
  const entry = query.get('entry');
  if (entry !== null) return { kind: 'entry', path: entry };
  const referrer = query.get('referrer');
  if (referrer !== null) return { kind: 'referrer', host: referrer };
  if (query.has('utmSource') || query.has('utmMedium') || query.has('utmCampaign'))
    return {
      kind: 'campaign',
      source: query.get('utmSource') ?? '',
      medium: query.get('utmMedium') ?? '',
      campaign: query.get('utmCampaign') ?? '',
    };
  return null;
}

/** The query with `filter` in place of any earlier one (other parameters, such as the period, kept). */
export function queryWithFilter(query: URLSearchParams, filter: ReportFilter | null): URLSearchParams {
  const next = new URLSearchParams(query);
  for (const key of FILTER_KEYS) next.delete(key);
  for (const [key, value] of Object.entries(filterParams(filter))) next.set(key, value);
  return next;
}

/** The API's query parameters for a filter. */
export function filterParams(filter: ReportFilter | null): Record<string, string> {
  if (!filter) return {};
  switch (filter.kind) {
    case 'page':
      return { page: filter.path };
    case 'entry':
      return { entry: filter.path };
    case 'referrer':
      return { referrer: filter.host };
    case 'campaign':
      return { utmSource: filter.source, utmMedium: filter.medium, utmCampaign: filter.campaign };
  }
}

/** How a filter reads in a sentence: "entry page /pricing". */
export function describeFilter(filter: ReportFilter): string {
  switch (filter.kind) {
    case 'page':
      return `page ${filter.path}`;
    case 'entry':
      return `entry page ${filter.path}`;
    case 'referrer':
      return `referrer ${filter.host}`;
    case 'campaign':
      return `campaign ${campaignName(filter)}`;
  }
}

/** "spring (news / email)", with "(none)" for a missing part. */
export function campaignName(c: {
  source: string | null;
  medium: string | null;
  campaign: string | null;
}): string {
  const part = (value: string | null) => value || '(none)';
  return `${part(c.campaign)} (${part(c.source)} / ${part(c.medium)})`;
}
