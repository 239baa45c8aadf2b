// Which row a report is filtered by, from the query string: at most one of a page, an entry page, a
// referrer host or a campaign (its source, medium and name; a part left out is the empty part).
import { AppError } from '../lib/errors.ts';
import type { ReportFilter } from './store.ts';

export interface FilterParams {
  page?: string | undefined;
  entry?: string | undefined;
  referrer?: string | undefined;
  utmSource?: string | undefined;
  utmMedium?: string | undefined;
  utmCampaign?: string | undefined;
}

export function parseReportFilter(params: FilterParams): ReportFilter | null {
  const filters: ReportFilter[] = [];
  if (params.page !== undefined) filters.push({ kind: 'page', path: params.page });
  if (params.entry !== undefined) filters.push({ kind: 'entry', path: params.entry });
  if (params.referrer !== undefined) filters.push({ kind: 'referrer', host: params.referrer });
  if (params.utmSource !== undefined || params.utmMedium !== undefined || params.utmCampaign !== undefined) {
    filters.push({
      kind: 'campaign',
      source: params.utmSource ?? '',
      medium: params.utmMedium ?? '',
      campaign: params.utmCampaign ?? '',
    });
  }
  if (filters.length > 1)
    throw new AppError(
      'bad_request',
      'Filter by one row at a time: page, entry, referrer, or a campaign (utmSource, utmMedium, utmCampaign).',
    );
  return filters[0] ?? null;
}
