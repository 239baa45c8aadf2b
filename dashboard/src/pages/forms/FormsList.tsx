// Every form with its hosted page; a new form (for sessions that may write tracking).
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import { useCanWrite } from '../../api/session';
import { type Column, DataTable } from '../../ui/DataTable';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState } from '../../ui/ErrorState';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Page } from '../../ui/Page';

interface FormRow {
  id: string;
  name: string;
  definition: { fields: unknown[]; page: { slug: string } | null };
  updatedAt: string;
}

const columns: Column<FormRow>[] = [
  { id: 'name', header: 'Form', value: (f) => f.name },
  { id: 'fields', header: 'Fields', numeric: true, value: (f) => f.definition.fields.length },
  {
    id: 'page',
    header: 'Hosted page',
    value: (f) => f.definition.page?.slug ?? '',
    cell: (f) => (f.definition.page ? `/p/${f.definition.page.slug}` : '—'),
  },
  { id: 'updated', header: 'Changed', value: (f) => f.updatedAt, cell: (f) => formatDateTime(f.updatedAt) },
];

export function FormsList() {
  const canWrite = useCanWrite('tracking');
  const forms = useQuery({ queryKey: ['forms'], queryFn: () => data(api.GET('/api/forms')) });
  return (
    <Page
      title="Forms"
      actions={
        canWrite ? (
          <Link href="/new" className="button primary">
            New form
          </Link>
        ) : null
      }
    >
      {forms.isPending ? (
        <Loading />
      ) : forms.isError ? (
        <ErrorState error={forms.error} retry={() => forms.refetch()} />
      ) : (
        <DataTable
          caption="Forms"
          columns={columns}
          rows={forms.data.forms as FormRow[]}
          rowId={(f) => f.id}
          rowHref={(f) => `/${f.id}`}
          empty={<EmptyState title="No forms yet." />}
        />
      )}
    </Page>
  );
}
