// Shapes and small pieces shared by the webhook pages.
export interface Endpoint {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  state: 'enabled' | 'paused' | 'disabled';
  stateReason: string | null;
  failingSince: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  secrets: { hint: string; createdAt: string; expiresAt: string | null }[];
}

export function StateBadge({ endpoint }: { endpoint: Pick<Endpoint, 'state' | 'failingSince'> }) {
  if (endpoint.state !== 'enabled') return <span className="badge bad">{endpoint.state}</span>;
  if (endpoint.failingSince) return <span className="badge bad">failing</span>;
  return <span className="badge good">enabled</span>;
}
