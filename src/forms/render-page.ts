// Server-rendered marketing pages and forms: plain HTML that works without JavaScript.
import { escapeHtml as h } from '../lib/html.ts';
import { newId } from '../lib/ids.ts';
import type { Form } from './form.ts';
import type { FormField } from './form-definition.ts';

export interface RenderState {
  values?: Record<string, unknown>;
  errors?: Record<string, string>;
  /** Tracking script for the page's website, when the form belongs to one. */
  trackingScriptSrc?: string | null;
  gpcAnonymizes?: boolean;
  /** A genuine handoff from the site's link (spoor_h): the submission names that visitor (docs/forms.md). */
  handoff?: string | null;
}

const INPUT_TYPE: Partial<Record<FormField['type'], string>> = {
  email: 'email',
  tel: 'tel',
  number: 'number',
  date: 'date',
  text: 'text',
};

function renderField(field: FormField, value: unknown, error: string | undefined): string {
  const id = `f-${field.key}`;
  const errorId = `${id}-error`;
  const describedBy = error ? ` aria-invalid="true" aria-describedby="${errorId}"` : '';
  const required = field.required ? ' required' : '';
  const errorHtml = error
    ? `<span class="error" id="${errorId}" data-error-for="${h(field.key)}">${h(error)}</span>`
    : '';
  const prefill = field.prefill ? ' data-prefill' : '';
  switch (field.type) {
    case 'hidden':
      return `<input type="hidden" name="${h(field.key)}" value="${h(value ?? field.defaultValue ?? '')}">`;
    case 'textarea':
      return `<p><label for="${id}">${h(field.label)}</label><textarea id="${id}" name="${h(field.key)}"${required}${describedBy}${prefill}>${h(value ?? '')}</textarea>${errorHtml}</p>`;
    case 'select': {
      const options = (field.options ?? [])
        .map((o) => `<option value="${h(o)}"${o === value ? ' selected' : ''}>${h(o)}</option>`)
        .join('');
      return `<p><label for="${id}">${h(field.label)}</label><select id="${id}" name="${h(field.key)}"${required}${describedBy}${prefill}><option value=""></option>${options}</select>${errorHtml}</p>`;
    }
    case 'checkbox':
    case 'consent': {
      const checked = value === true || value === 'on' || value === 'true' ? ' checked' : '';
      return `<p><label><input type="checkbox" id="${id}" name="${h(field.key)}" value="on"${checked}${required}${describedBy}> ${h(field.label)}</label>${errorHtml}</p>`;
    }
    default:
      return `<p><label for="${id}">${h(field.label)}</label><input id="${id}" type="${INPUT_TYPE[field.type] ?? 'text'}" name="${h(field.key)}" value="${h(value ?? '')}"${required}${describedBy}${prefill}${field.maxLength ? ` maxlength="${field.maxLength}"` : ''}>${errorHtml}</p>`;
  }
}

/** The form element alone (hosted pages; the embed loader renders its own from the JSON definition). */
export function renderForm(form: Form, state: RenderState = {}): string {
  const values = state.values ?? {};
  const errors = state.errors ?? {};
  const fields = form.definition.fields.map((f) => renderField(f, values[f.key], errors[f.key])).join('\n');
  const remember = form.definition.prefill
    ? `<p><label><input type="checkbox" name="_remember" value="on"${values['_remember'] ? ' checked' : ''}> Remember me on this browser so this form is filled in next time</label></p>`
    : '';
  const summary =
    Object.keys(errors).length > 0
      ? '<p class="error-summary" role="alert">Please correct the highlighted fields.</p>'
      : '';
  // _a starts as 1 (anonymous): without JavaScript we cannot know the visitor's consent, so nothing is linked.
  return `<form method="post" action="/f/${h(form.id)}" data-spoor-form-id="${h(form.id)}" novalidate>
${summary}
${fields}
${remember}
<p class="hp" aria-hidden="true"><label>Leave this empty <input type="text" name="_hp" tabindex="-1" autocomplete="off"></label></p>
<input type="hidden" name="_token" value="${h(newId())}">${state.handoff ? `\n<input type="hidden" name="_h" value="${h(state.handoff)}">` : ''}
<input type="hidden" name="_a" value="1">
<p><button type="submit">${h(form.definition.submitLabel)}</button></p>
</form>`;
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}label{display:block}input,select,textarea{font:inherit;padding:.3rem;width:100%;box-sizing:border-box}input[type=checkbox]{width:auto}.error{color:#b00020;display:block}.hp{position:absolute;left:-10000px}';

export function renderPage(form: Form, state: RenderState = {}): string {
  const page = form.definition.page ?? { title: form.name, intro: '', slug: '' };
  const tracking = state.trackingScriptSrc
    ? `<script async src="${h(state.trackingScriptSrc)}"></script>`
    : '';
  // With JavaScript on, the page may identify the visitor: clear the anonymous flag unless GPC says otherwise.
  const anonymous = state.gpcAnonymizes ? '!!navigator.globalPrivacyControl' : 'false';
  const consent = `<script>document.addEventListener('submit',function(e){var a=e.target.querySelector('input[name=_a]');if(a)a.value=${anonymous}?'1':'0'},true)</script>`;
  // Prefill (only when the visitor may be identified): the HttpOnly token cookie travels to /f/ by itself.
  const prefill =
    form.definition.prefill && !(state.errors && Object.keys(state.errors).length > 0)
      ? `<script>if(!(${anonymous}))document.addEventListener('DOMContentLoaded',function(){var f=document.querySelector('form[data-spoor-form-id]');fetch('/f/${h(form.id)}/prefill',{credentials:'same-origin'}).then(function(r){return r.json()}).then(function(d){var v=d.values||{},k,el;for(k in v){el=f.elements.namedItem(k);if(el&&'value' in el&&!el.value)el.value=v[k]}if(Object.keys(v).length&&f.elements.namedItem('_remember'))f.elements.namedItem('_remember').checked=true})['catch'](function(){})})</script>`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(page.title)}</title><style>${STYLE}</style>${tracking}${consent}${prefill}</head>
<body><main><h1>${h(page.title)}</h1>${page.intro ? `<p>${h(page.intro)}</p>` : ''}
${renderForm(form, state)}
</main></body></html>`;
}

export function renderThankYou(form: Form, text: string): string {
  const title = form.definition.page?.title ?? form.name;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title><style>${STYLE}</style></head>
<body><main><h1>${h(title)}</h1><p role="status">${h(text)}</p></main></body></html>`;
}
