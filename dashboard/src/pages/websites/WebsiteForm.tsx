// Registers a website or changes one's settings: allowed origins, visit timeout, cookie lifetime, what GPC
// does, and how long anonymous data is kept.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api, data } from '../../api/client';
import { FormError, SelectField, TextAreaField, TextField } from '../../ui/fields';
import { DEFAULT_SETTINGS, parseOrigins, type Website, type WebsiteSettings } from './website';

export function WebsiteForm({
  website,
  onSaved,
}: {
  /** The website to change; none to register a new one. */
  website?: Website;
  onSaved: (website: Website) => void;
}) {
  const queryClient = useQueryClient();
  const initial: WebsiteSettings = website ?? DEFAULT_SETTINGS;
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (body: WebsiteSettings) =>
      website
        ? data(api.PATCH('/api/websites/{id}', { params: { path: { id: website.id } }, body }))
        : data(api.POST('/api/websites', { body })),
    onSuccess: (saved) => {
      queryClient.invalidateQueries({ queryKey: ['websites'] });
      queryClient.setQueryData(['website', saved.id], saved);
      onSaved(saved as Website);
    },
    onError: (thrown) => {
      setError(thrown.message);
      // The server names the field in its message ("allowedOrigins: …"); show it beside that field too.
      if (thrown instanceof ApiError) {
        const named = /^(?:body\/)?(\w+)/.exec(thrown.message)?.[1];
        if (named) setFieldErrors({ [named]: thrown.message });
      }
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const retention = text('retentionDays');
    setError(null);
    setFieldErrors({});
    save.mutate({
      name: text('name'),
      allowedOrigins: parseOrigins(text('allowedOrigins')),
      visitTimeoutMinutes: Number(text('visitTimeoutMinutes')),
      visitorCookieDays: Number(text('visitorCookieDays')),
      gpcMode: text('gpcMode') === 'ignore' ? 'ignore' : 'anonymize',
      retentionDays: retention === '' ? null : Number(retention),
    });
  }

  return (
    <form onSubmit={submit} noValidate={false}>
      <TextField
        label="Name"
        name="name"
        required
        maxLength={200}
        defaultValue={initial.name}
        error={fieldErrors['name']}
      />
      <TextAreaField
        label="Allowed origins"
        name="allowedOrigins"
        required
        rows={3}
        defaultValue={initial.allowedOrigins.join('\n')}
        hint="One per line, e.g. https://www.shop.example or https://*.shop.example. Only pages there may send events."
        error={fieldErrors['allowedOrigins']}
      />
      <TextField
        label="Visit timeout (minutes)"
        name="visitTimeoutMinutes"
        type="number"
        inputMode="numeric"
        min={1}
        max={1440}
        required
        defaultValue={initial.visitTimeoutMinutes}
        hint="A visit ends after this long without activity (default 30)."
        error={fieldErrors['visitTimeoutMinutes']}
      />
      <TextField
        label="Visitor cookie lifetime (days)"
        name="visitorCookieDays"
        type="number"
        inputMode="numeric"
        min={1}
        max={730}
        required
        defaultValue={initial.visitorCookieDays}
        hint="Renewed on each visit; browsers cap cookies at 400 days."
        error={fieldErrors['visitorCookieDays']}
      />
      <SelectField
        label="Global Privacy Control"
        name="gpcMode"
        defaultValue={initial.gpcMode}
        options={[
          { value: 'anonymize', label: 'Honour it: count the visit anonymously, set no cookies' },
          { value: 'ignore', label: 'Ignore it' },
        ]}
        error={fieldErrors['gpcMode']}
      />
      <TextField
        label="Keep anonymous data (days)"
        name="retentionDays"
        type="number"
        inputMode="numeric"
        min={1}
        max={3650}
        defaultValue={initial.retentionDays ?? ''}
        hint="Visits never linked to a contact are deleted after this many days. Empty keeps them."
        error={fieldErrors['retentionDays']}
      />
      <FormError error={error} />
      <button type="submit" className="primary" disabled={save.isPending}>
        {website ? 'Save settings' : 'Register website'}
      </button>
    </form>
  );
}
