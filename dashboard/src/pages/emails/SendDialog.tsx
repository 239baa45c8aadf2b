// Sending a message to lists: choose lists, see how many will get it and how many are blocked and why
// (the server's estimate, decided by the send's own rule), then confirm. Several large lists sharing
// contacts get bounds, labelled as such (decision 021): the send's page has the exact figures once prepared.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { api, data } from '../../api/client';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { CheckboxField } from '../../ui/fields';
import { formatNumber } from '../../ui/format';
import { BLOCK_REASON_LABELS, DELIVERY_LABELS } from './labels';

interface Estimate {
  exact: boolean;
  recipients: number;
  duplicates: number | null;
  blocked: { total: number; byReason: Record<string, number> };
  willReceive: number;
  willReceiveAtLeast: number;
}

export function SendDialog({
  open,
  messageId,
  onClose,
}: {
  open: boolean;
  messageId: string;
  onClose: () => void;
}) {
  const [, navigate] = useLocation();
  const [chosen, setChosen] = useState<string[]>([]);
  const lists = useQuery({
    queryKey: ['lists'],
    enabled: open,
    queryFn: async () => (await data(api.GET('/api/lists'))) as { lists: { id: string; name: string }[] },
  });
  const estimate = useQuery({
    queryKey: ['send-estimate', chosen],
    enabled: open && chosen.length > 0,
    queryFn: async () =>
      (await data(api.POST('/api/sends/estimate', { body: { listIds: chosen } }))) as Estimate,
  });
  const e = estimate.data;
  return (
    <ConfirmDialog
      open={open}
      title="Send to lists"
      confirmLabel={e ? `Send to ${e.exact ? '' : 'at most '}${formatNumber(e.willReceive)}` : 'Send'}
      onClose={onClose}
      onConfirm={async () => {
        if (chosen.length === 0) throw new Error('Choose at least one list.');
        const send = (await data(api.POST('/api/sends', { body: { messageId, listIds: chosen } }))) as {
          id: string;
        };
        navigate(`/sends/${send.id}`);
      }}
    >
      <fieldset>
        <legend>Lists</legend>
        {(lists.data?.lists ?? []).map((list) => (
          <CheckboxField
            key={list.id}
            label={list.name}
            checked={chosen.includes(list.id)}
            onChange={(event) =>
              setChosen((c) => (event.target.checked ? [...c, list.id] : c.filter((x) => x !== list.id)))
            }
          />
        ))}
      </fieldset>
      {e ? (
        <div role="status">
          {e.exact ? (
            <p>
              <strong>{formatNumber(e.willReceive)}</strong> will receive it.{' '}
              {DELIVERY_LABELS.recipients.label}: {formatNumber(e.recipients)},{' '}
              {DELIVERY_LABELS.duplicates.label.toLowerCase()}: {formatNumber(e.duplicates ?? 0)},{' '}
              {DELIVERY_LABELS.blocked.label.toLowerCase()}: {formatNumber(e.blocked.total)}.
            </p>
          ) : (
            <>
              <p>
                Between <strong>{formatNumber(e.willReceiveAtLeast)}</strong> and{' '}
                <strong>{formatNumber(e.willReceive)}</strong> will receive it.
              </p>
              <p>
                These lists hold {formatNumber(e.recipients)} memberships, and a contact on several of them
                gets one email: Spoor counts those exactly when it prepares the send, and the send&apos;s page
                then shows the exact figures.{' '}
                {e.blocked.total > 0
                  ? `${DELIVERY_LABELS.blocked.label}: at most ${formatNumber(e.blocked.total)}.`
                  : 'No one is blocked.'}
              </p>
            </>
          )}
          {e.blocked.total > 0 ? (
            <ul>
              {Object.entries(e.blocked.byReason)
                .filter(([, n]) => n > 0)
                .map(([reason, n]) => (
                  <li key={reason}>
                    {BLOCK_REASON_LABELS[reason] ?? reason}: {e.exact ? '' : 'at most '}
                    {formatNumber(n)}
                  </li>
                ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </ConfirmDialog>
  );
}
