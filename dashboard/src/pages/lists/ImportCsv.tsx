// Importing a CSV into a list: the import is made first, then the file is sent while its progress (read
// from the server, so it is what was stored, not what was uploaded) fills a progress bar, and every row
// the import rejected is listed with its reason.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api, data } from '../../api/client';
import { CheckboxField, FormError, SelectField } from '../../ui/fields';
import { formatNumber, formatPercent } from '../../ui/format';
import { Section } from '../../ui/Page';

/** Sends the file as the import's body (text/csv), with the session's CSRF header via the API client. */
async function sendFile(importId: string, file: File): Promise<void> {
  await api.PUT('/api/contact-imports/{id}/file', {
    params: { path: { id: importId } },
    body: file as never,
    bodySerializer: (body: unknown) => body as BodyInit,
    headers: { 'content-type': 'text/csv' },
  });
}

export function ImportCsv({ listId }: { listId: string }) {
  const queryClient = useQueryClient();
  const [importId, setImportId] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const progress = useQuery({
    queryKey: ['contact-import', importId],
    queryFn: () => data(api.GET('/api/contact-imports/{id}', { params: { path: { id: importId! } } })),
    enabled: importId !== null,
    refetchInterval: (query) =>
      query.state.data && ['done', 'failed', 'interrupted'].includes(query.state.data.status) && !sending
        ? false
        : 500,
  });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return setError('Choose a CSV file.');
    setError(null);
    setSending(true);
    try {
      const created = await data(
        api.POST('/api/contact-imports', {
          body: {
            listId,
            onDuplicate: form.get('skip') ? 'skip' : 'update',
            unknownColumns: form.get('unknownColumns') === 'ignore' ? 'ignore' : 'refuse',
          },
        }),
      );
      setImportId(created.id);
      await sendFile(created.id, file);
    } catch (thrown) {
      setError(thrown instanceof ApiError || thrown instanceof Error ? thrown.message : 'The import failed.');
    } finally {
      setSending(false);
      queryClient.invalidateQueries({ queryKey: ['list', listId] });
      queryClient.invalidateQueries({ queryKey: ['list-members', listId] });
      queryClient.invalidateQueries({ queryKey: ['contact-import'] });
    }
  }

  const job = progress.data;
  const summary = job?.summary;
  return (
    <Section title="Import a CSV">
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor="import-file">CSV file</label>
          <input
            id="import-file"
            name="file"
            type="file"
            accept=".csv,text/csv"
            aria-describedby="import-hint"
          />
          <span className="hint" id="import-hint">
            A header row first: email (required), first name, last name, company, phone, job title, country or
            a custom field's key.
          </span>
        </div>
        <CheckboxField name="skip" label="Leave contacts that already exist unchanged" />
        <SelectField
          label="Columns that are no contact field"
          name="unknownColumns"
          options={[
            { value: 'refuse', label: 'Refuse the file' },
            { value: 'ignore', label: 'Ignore those columns' },
          ]}
        />
        <FormError error={error} />
        <button type="submit" className="primary" disabled={sending}>
          {sending ? 'Importing…' : 'Import into this list'}
        </button>
      </form>
      {job && summary ? (
        <div className="import-progress" aria-live="polite">
          <label htmlFor="import-bar">
            {job.status === 'done'
              ? 'Import finished'
              : job.status === 'failed'
                ? 'Import stopped'
                : job.status === 'interrupted'
                  ? 'Import interrupted'
                  : 'Importing'}
            {job.progress !== null ? ` (${formatPercent(job.progress)})` : ''}
          </label>
          <progress
            id="import-bar"
            max={1}
            value={job.progress ?? undefined}
            aria-valuetext={job.progress !== null ? formatPercent(job.progress) : 'unknown'}
          />
          <p role="status">
            {formatNumber(summary.rows)} rows read: {formatNumber(summary.created)} created,{' '}
            {formatNumber(summary.updated)} updated, {formatNumber(summary.skipped)} left unchanged,{' '}
            {formatNumber(summary.rejected)} rejected.
            {summary.listed
              ? ` ${formatNumber(summary.listed.added)} joined the list, ${formatNumber(summary.listed.keptUnsubscribed)} stayed unsubscribed.`
              : ''}
          </p>
          {job.error ? <p className="form-error">{job.error}</p> : null}
          {summary.errors.length > 0 ? (
            <div className="table-wrap">
              <table>
                <caption>Rejected rows{summary.errorsTruncated ? ' (the first 1,000)' : ''}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="number">
                      Row
                    </th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.errors.map((e) => (
                    <tr key={e.row}>
                      <td className="number">{e.row}</td>
                      <td>{e.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
}
