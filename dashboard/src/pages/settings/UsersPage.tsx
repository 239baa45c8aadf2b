// Users and roles: who can sign in, inviting someone by email, changing a role, disabling a user, sending a
// password reset. Administrators only change things; an analyst sees the list without any of the buttons.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, data } from '../../api/client';
import { type Role, useCanWrite, useSession } from '../../api/session';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { type Column, DataTable } from '../../ui/DataTable';
import { ErrorState } from '../../ui/ErrorState';
import { FormError, SelectField, TextField } from '../../ui/fields';
import { Loading } from '../../ui/NotFound';
import { formatDateTime, Section } from '../../ui/Page';
import { SettingsPage } from './SettingsPage';

export const ROLE_OPTIONS: { value: Role; label: string }[] = [
  { value: 'administrator', label: 'Administrator' },
  { value: 'marketer', label: 'Marketer' },
  { value: 'analyst', label: 'Analyst (read only)' },
];

const ROLE_NAMES: Record<Role, string> = {
  administrator: 'Administrator',
  marketer: 'Marketer',
  analyst: 'Analyst',
};

interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: 'active' | 'disabled';
  createdAt: string;
}

type Pending = { kind: 'disable' | 'enable' | 'reset'; user: User } | null;

function InviteForm() {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const invite = useMutation({
    mutationFn: (body: { email: string; name?: string; role: Role }) =>
      data(api.POST('/api/invitations', { body })),
    onSuccess: (_result, body) => {
      setSent(body.email);
      queryClient.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (thrown) => setError(thrown.message),
  });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    setSent(null);
    const name = String(form.get('name') ?? '').trim();
    invite.mutate(
      {
        email: String(form.get('email') ?? '').trim(),
        role: form.get('role') as Role,
        ...(name ? { name } : {}),
      },
      { onSuccess: () => (event.target as HTMLFormElement).reset() },
    );
  }
  return (
    <Section title="Invite someone">
      <p className="as-of">They get an email with a link (valid 7 days) to choose their password.</p>
      <form className="inline-form" onSubmit={submit}>
        <TextField label="Email" name="email" type="email" required autoComplete="off" />
        <TextField label="Name (optional)" name="name" autoComplete="off" />
        <SelectField label="Role" name="role" options={ROLE_OPTIONS} defaultValue="marketer" />
        <div className="field">
          <button type="submit" className="primary" disabled={invite.isPending}>
            {invite.isPending ? 'Sending…' : 'Send invitation'}
          </button>
        </div>
      </form>
      <FormError error={error} />
      {sent ? (
        <p className="notice success" role="status">
          Invitation sent to {sent}.
        </p>
      ) : null}
    </Section>
  );
}

export function UsersPage() {
  const session = useSession();
  const canWrite = useCanWrite('administration');
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: ['users'], queryFn: () => data(api.GET('/api/users')) });
  const [pending, setPending] = useState<Pending>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function change(user: User, body: { role?: Role; disabled?: boolean }) {
    await api.PATCH('/api/users/{id}', { params: { path: { id: user.id } }, body });
    await queryClient.invalidateQueries({ queryKey: ['users'] });
  }

  async function changeRole(user: User, role: Role) {
    setError(null);
    setMessage(null);
    try {
      await change(user, { role });
      setMessage(`${user.name || user.email} is now ${ROLE_NAMES[role].toLowerCase()}.`);
    } catch (thrown) {
      setError((thrown as Error).message);
    }
  }

  const columns: Column<User>[] = [
    { id: 'name', header: 'Name', value: (u) => u.name || u.email },
    { id: 'email', header: 'Email', value: (u) => u.email },
    {
      id: 'role',
      header: 'Role',
      value: (u) => u.role,
      cell: (u) =>
        canWrite && u.id !== session.user.id ? (
          <select
            aria-label={`Role of ${u.name || u.email}`}
            value={u.role}
            onChange={(event) => changeRole(u, event.target.value as Role)}
          >
            {ROLE_OPTIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {ROLE_NAMES[option.value]}
              </option>
            ))}
          </select>
        ) : (
          ROLE_NAMES[u.role]
        ),
    },
    {
      id: 'status',
      header: 'Status',
      value: (u) => u.status,
      cell: (u) => <span className={`badge ${u.status === 'active' ? 'good' : 'bad'}`}>{u.status}</span>,
    },
    { id: 'created', header: 'Added', value: (u) => u.createdAt, cell: (u) => formatDateTime(u.createdAt) },
  ];
  if (canWrite)
    columns.push({
      id: 'actions',
      header: 'Actions',
      cell: (u) =>
        u.id === session.user.id ? (
          <span className="as-of">You</span>
        ) : (
          <div className="row-actions">
            <button type="button" onClick={() => setPending({ kind: 'reset', user: u })}>
              Send reset link
            </button>
            {u.status === 'active' ? (
              <button
                type="button"
                className="danger"
                onClick={() => setPending({ kind: 'disable', user: u })}
              >
                Disable
              </button>
            ) : (
              <button type="button" onClick={() => setPending({ kind: 'enable', user: u })}>
                Enable
              </button>
            )}
          </div>
        ),
    });

  const who = pending ? pending.user.name || pending.user.email : '';
  return (
    <SettingsPage title="Users" description="Who can sign in to this dashboard, and what each role may do.">
      {canWrite ? <InviteForm /> : null}
      <Section title="Everyone who can sign in">
        {message ? (
          <p className="notice success" role="status">
            {message}
          </p>
        ) : null}
        <FormError error={error} />
        {users.isPending ? (
          <Loading />
        ) : users.isError ? (
          <ErrorState error={users.error} retry={() => users.refetch()} />
        ) : (
          <DataTable
            caption="Users"
            columns={columns}
            rows={users.data.users as User[]}
            rowId={(u) => u.id}
            initialSort={{ id: 'name', desc: false }}
          />
        )}
      </Section>
      <ConfirmDialog
        open={pending !== null}
        title={
          pending?.kind === 'disable'
            ? `Disable ${who}?`
            : pending?.kind === 'enable'
              ? `Enable ${who}?`
              : `Send ${who} a password reset link?`
        }
        confirmLabel={
          pending?.kind === 'disable' ? 'Disable' : pending?.kind === 'enable' ? 'Enable' : 'Send link'
        }
        danger={pending?.kind === 'disable'}
        onClose={() => setPending(null)}
        onConfirm={async () => {
          if (!pending) return;
          if (pending.kind === 'reset') {
            await data(api.POST('/api/users/{id}/reset', { params: { path: { id: pending.user.id } } }));
            setMessage(`A reset link was sent to ${pending.user.email}.`);
          } else {
            await change(pending.user, { disabled: pending.kind === 'disable' });
            setMessage(
              `${who} is ${pending.kind === 'disable' ? 'disabled and signed out everywhere' : 'enabled'}.`,
            );
          }
        }}
      >
        <p>
          {pending?.kind === 'disable'
            ? 'They are signed out at once, everywhere, and cannot sign in until enabled again.'
            : pending?.kind === 'enable'
              ? 'They can sign in again with their password.'
              : 'They get an email with a link to choose a new password; their sessions end when they do.'}
        </p>
      </ConfirmDialog>
    </SettingsPage>
  );
}
