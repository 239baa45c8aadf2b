// The form as a visitor will see it, drawn from the editor's draft as it changes (inputs are inert: a
// preview submits nothing). Labels and values are React text, so whatever is typed shows as typed.
import { useId } from 'react';
import type { Draft, DraftField } from './form-draft';

function PreviewField({ field, prefix }: { field: DraftField; prefix: string }) {
  const id = `${prefix}-${field.uid}`;
  const label = `${field.label || field.key || 'Unnamed field'}${field.required ? ' *' : ''}`;
  if (field.type === 'hidden') return null;
  if (field.type === 'checkbox' || field.type === 'consent')
    return (
      <div className="checkbox">
        <input type="checkbox" id={id} disabled />
        <label htmlFor={id}>{label}</label>
      </div>
    );
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {field.type === 'textarea' ? (
        <textarea id={id} disabled />
      ) : field.type === 'select' ? (
        <select id={id} disabled>
          {field.options
            .split('\n')
            .filter((o) => o.trim())
            .map((o) => (
              <option key={o}>{o}</option>
            ))}
        </select>
      ) : (
        <input id={id} type={field.type} disabled />
      )}
    </div>
  );
}

export function FormPreview({ draft }: { draft: Draft }) {
  const prefix = useId();
  return (
    <section className="preview" aria-label="Preview of the form">
      {draft.hasPage ? (
        <>
          <p className="timeline-title">{draft.pageTitle || 'Page title'}</p>
          {draft.intro ? <p>{draft.intro}</p> : null}
        </>
      ) : null}
      {draft.fields.map((field) => (
        <PreviewField key={field.uid} field={field} prefix={prefix} />
      ))}
      {draft.prefill ? (
        <div className="checkbox">
          <input type="checkbox" id={`${prefix}-remember`} disabled />
          <label htmlFor={`${prefix}-remember`}>Remember me</label>
        </div>
      ) : null}
      <button type="button" disabled>
        {draft.submitLabel || 'Send'}
      </button>
      <p className="as-of">
        After submitting:{' '}
        {draft.afterKind === 'message'
          ? `“${draft.afterText || 'Thank you!'}”`
          : `go to ${draft.afterUrl || '…'}`}
      </p>
    </section>
  );
}
