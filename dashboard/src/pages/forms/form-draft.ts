// A form definition as the editor holds it (plain strings for every input) and the conversions to and from
// the API's shape. Pure: the editor, the preview and their tests share it.

export const FIELD_TYPES = [
  'text',
  'email',
  'tel',
  'textarea',
  'number',
  'date',
  'checkbox',
  'select',
  'hidden',
  'consent',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface DraftField {
  /** The editor's own key for React (not sent). */
  uid: string;
  key: string;
  type: FieldType;
  label: string;
  required: boolean;
  pattern: string;
  patternMessage: string;
  /** One option per line. */
  options: string;
  defaultValue: string;
  prefill: boolean;
}

export interface Draft {
  name: string;
  websiteId: string;
  submitLabel: string;
  fields: DraftField[];
  matchRule: 'email' | 'name-email-company';
  onMatch: 'update' | 'create';
  afterKind: 'message' | 'redirect';
  afterText: string;
  afterUrl: string;
  prefill: boolean;
  lists: { listId: string; consentField: string }[];
  hasPage: boolean;
  slug: string;
  pageTitle: string;
  intro: string;
}

const field = (values: Partial<DraftField>): DraftField => ({
  uid: values.key ?? 'field',
  key: '',
  type: 'text',
  label: '',
  required: false,
  pattern: '',
  patternMessage: '',
  options: '',
  defaultValue: '',
  prefill: false,
  ...values,
});

export const NEW_DRAFT: Draft = {
  name: '',
  websiteId: '',
  submitLabel: 'Send',
  fields: [field({ key: 'email', type: 'email', label: 'Email', required: true })],
  matchRule: 'email',
  onMatch: 'update',
  afterKind: 'message',
  afterText: 'Thank you!',
  afterUrl: '',
  prefill: false,
  lists: [],
  hasPage: false,
  slug: '',
  pageTitle: '',
  intro: '',
};

interface ApiField {
  key: string;
  type: FieldType;
  label: string;
  required?: boolean;
  pattern?: string;
  patternMessage?: string;
  options?: string[];
  defaultValue?: string;
  prefill?: boolean;
}

export interface ApiForm {
  name: string;
  websiteId: string | null;
  definition: {
    fields: ApiField[];
    matchFields: string[];
    onMatch: 'update' | 'create';
    afterSubmit: { kind: 'message'; text: string } | { kind: 'redirect'; url: string };
    prefill: boolean;
    submitLabel: string;
    page: { slug: string; title: string; intro: string } | null;
    lists?: { listId: string; consentField?: string }[];
  };
}

/** A stored form as the editor's draft. */
export function draftOf(form: ApiForm): Draft {
  const d = form.definition;
  return {
    name: form.name,
    websiteId: form.websiteId ?? '',
    submitLabel: d.submitLabel,
    fields: d.fields.map((f, i) =>
      field({
        uid: `${i}-${f.key}`,
        key: f.key,
        type: f.type,
        label: f.label,
        required: f.required ?? false,
        pattern: f.pattern ?? '',
        patternMessage: f.patternMessage ?? '',
        options: (f.options ?? []).join('\n'),
        defaultValue: f.defaultValue ?? '',
        prefill: f.prefill ?? false,
      }),
    ),
    matchRule: d.matchFields.length > 1 ? 'name-email-company' : 'email',
    onMatch: d.onMatch,
    afterKind: d.afterSubmit.kind,
    afterText: d.afterSubmit.kind === 'message' ? d.afterSubmit.text : '',
    afterUrl: d.afterSubmit.kind === 'redirect' ? d.afterSubmit.url : '',
    prefill: d.prefill,
    lists: (d.lists ?? []).map((l) => ({ listId: l.listId, consentField: l.consentField ?? '' })),
    hasPage: d.page !== null,
    slug: d.page?.slug ?? '',
    pageTitle: d.page?.title ?? '',
    intro: d.page?.intro ?? '',
  };
}

/** The draft as the body of createForm / replaceForm: empty optional parts left out. */
export function toBody(draft: Draft) {
  return {
    name: draft.name.trim(),
    websiteId: draft.websiteId || null,
    submitLabel: draft.submitLabel.trim() || 'Send',
    fields: draft.fields.map((f) => ({
      key: f.key.trim(),
      type: f.type,
      label: f.label.trim(),
      ...(f.required ? { required: true } : {}),
      ...(f.pattern ? { pattern: f.pattern } : {}),
      ...(f.pattern && f.patternMessage ? { patternMessage: f.patternMessage } : {}),
      ...(f.type === 'select'
        ? {
            options: f.options
              .split('\n')
              .map((o) => o.trim())
              .filter(Boolean),
          }
        : {}),
      ...(f.type === 'hidden' && f.defaultValue ? { defaultValue: f.defaultValue } : {}),
      ...(f.prefill ? { prefill: true } : {}),
    })),
    matchRule: draft.matchRule,
    onMatch: draft.onMatch,
    afterSubmit:
      draft.afterKind === 'message'
        ? { kind: 'message' as const, text: draft.afterText.trim() || 'Thank you!' }
        : { kind: 'redirect' as const, url: draft.afterUrl.trim() },
    prefill: draft.prefill,
    page: draft.hasPage
      ? { slug: draft.slug.trim(), title: draft.pageTitle.trim(), intro: draft.intro }
      : null,
    lists: draft.lists.map((l) => ({
      listId: l.listId,
      ...(l.consentField ? { consentField: l.consentField } : {}),
    })),
  };
}
