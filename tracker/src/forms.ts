// Spoor's form loader: draws every `<div data-spoor-form="FORM_ID">` on the page from GET /f/{id}.json and
// submits it cross-origin to POST /f/{id}, on the host the script itself came from. Consent follows the
// page's tracking hooks with the same rules as spoor.ts (live from `Spoor.anonymize` when the tracker runs);
// only with consent do the visitor id mirror and the "remember me" prefill token travel. Bundled to
// tracker/dist/forms.js and served at /forms.js. Text from the server goes into the page only as text
// (textContent, values, DOM properties), never as markup. The exported helpers are pure and unit-tested.
import { type Consent, isAnonymous } from './consent.ts';

/** A field as GET /f/{id}.json describes it. */
export interface PublicField {
  key: string;
  type: string;
  label: string;
  required?: boolean;
  options?: string[];
  maxLength?: number;
  prefill?: boolean;
  defaultValue?: string;
}

/** The public definition (src/forms/routes.ts, publicDefinition). */
export interface PublicForm {
  id: string;
  fields: PublicField[];
  submitLabel: string;
  prefill: boolean;
  /** One-time submission key: a retry with it is the same submission. */
  token: string;
  /** Lifetime of the prefill cookie (SPOOR_PREFILL_DAYS). */
  prefillDays?: number;
  /** The website treats Global Privacy Control as "anonymous". */
  gpc?: boolean;
}

/** POST /f/{id} answers: 200 with a message or redirect (and a prefill token); 422 with field messages. */
export interface SubmitReply {
  message?: string;
  redirect?: string;
  prefill?: string;
  details?: { fields?: Record<string, string> };
}

interface Page {
  Spoor?: { anonymize?: unknown };
  spoorConfigureTracking?: () => Consent;
  d365mktConfigureTracking?: () => Consent;
}

export const PREFILL_COOKIE = 'spoor_pf';

export { isAnonymous };

/**
 * Whether this submission must be anonymous: GPC when the website honours it (the page cannot override
 * that); else the tracker's live flag, which includes any later `Spoor.reconfigureTracking`; else the
 * page's consent hook, as the tracker would call it. A hook that throws has not given consent.
 */
export const decideAnonymous = (page: Page, gpcSignal: boolean, websiteHonoursGpc: boolean): boolean => {
  if (gpcSignal && websiteHonoursGpc) return true;
  const live = page.Spoor?.anonymize;
  if (typeof live === 'boolean') return live;
  try {
    const hook = page.spoorConfigureTracking || page.d365mktConfigureTracking;
    return isAnonymous(hook?.());
  } catch {
    return true;
  }
};

/** Spoor's base URL from the loader's own src: `https://track.example.com/forms.js` → `https://track.example.com`. */
export const baseUrl = (src: string): string => src.replace(/[?#].*/, '').replace(/\/[^/]*$/, '');

/** One cookie's value from a `document.cookie` string. */
export const readCookie = (cookies: string, name: string): string | undefined =>
  (cookies.match('(?:^|; )' + name + '=([^;]+)') || [])[1];

/** The prefill cookie (empty token and 0 days delete it): first-party, whole site, never HttpOnly. */
export const prefillCookie = (token: string, days: number, https: boolean): string =>
  PREFILL_COOKIE +
  '=' +
  token +
  '; Max-Age=' +
  Math.round(days * 86400) +
  '; Path=/; SameSite=Lax' +
  (https ? '; Secure' : '');

/** Only an absolute http(s) URL is followed (the server takes it from the stored form; this is a second lock). */
export const safeRedirect = (url: unknown): string | undefined =>
  typeof url === 'string' && /^https?:\/\//i.test(url) ? url : undefined;

// Browsers' autofill names for the standard contact fields (WCAG 1.3.5, "identify input purpose").
const AUTOCOMPLETE: Record<string, string> = {
  email: 'email',
  firstName: 'given-name',
  lastName: 'family-name',
  company: 'organization',
  phone: 'tel',
  jobTitle: 'organization-title',
  country: 'country-name',
};
const INPUT_TYPES = ['email', 'tel', 'number', 'date'];
const FAILED = 'Sorry, your submission could not be sent. Please try again.';

// Everything that touches the page runs inside try/catch: a form loader must never break the site.
try {
  const g = window as unknown as Page;
  const d = document;
  const L = location;
  const me = d.currentScript as HTMLScriptElement | null;
  const base = me?.src ? baseUrl(me.src) : '';
  const https = L.protocol === 'https:';
  let seq = 0;

  const el = <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    props: Partial<HTMLElementTagNameMap[K]> = {},
    kids: (Node | string)[] = [],
  ): HTMLElementTagNameMap[K] => {
    const e = Object.assign(d.createElement(tag), props);
    e.append(...kids); // strings become text nodes
    return e;
  };
  const setCookie = (v: string) => {
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is async and absent from Safari.
    d.cookie = v;
  };

  const draw = (box: HTMLElement, def: PublicForm) => {
    const url = base + '/f/' + encodeURIComponent(def.id);
    const anonymous = () =>
      decideAnonymous(g, !!(navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl, !!def.gpc);
    const n = ++seq;
    const controls: Record<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement> = {};
    const form = el('form', { className: 'spoor-form', noValidate: true });
    const alert = el('p', { className: 'spoor-alert' });
    alert.setAttribute('role', 'alert');
    const status = el('p', { className: 'spoor-status' });
    status.setAttribute('role', 'status');

    for (const f of def.fields) {
      const id = 'spoor-' + n + '-' + f.key;
      const common = { id, name: f.key, required: !!f.required };
      if (f.type === 'hidden') {
        form.append(el('input', { type: 'hidden', name: f.key, value: f.defaultValue ?? '' }));
        continue;
      }
      let control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
      let row: HTMLElement;
      if (f.type === 'checkbox' || f.type === 'consent') {
        control = el('input', { ...common, type: 'checkbox', value: 'on' });
        row = el('p', {}, [el('label', {}, [control, ' ' + f.label])]);
      } else {
        control =
          f.type === 'textarea'
            ? el('textarea', common)
            : f.type === 'select'
              ? el(
                  'select',
                  common,
                  [''].concat(f.options ?? []).map((o) => el('option', { value: o }, [o])),
                )
              : el('input', {
                  ...common,
                  type: INPUT_TYPES.indexOf(f.type) >= 0 ? f.type : 'text',
                  autocomplete: (AUTOCOMPLETE[f.key] ?? 'on') as AutoFill,
                });
        if (f.maxLength && !(control instanceof HTMLSelectElement)) control.maxLength = f.maxLength;
        row = el('p', {}, [el('label', { htmlFor: id }, [f.label]), control]);
      }
      row.className = 'spoor-field';
      controls[f.key] = control;
      form.append(row);
    }
    const remember = el('input', { type: 'checkbox', name: '_remember', value: 'on' });
    if (def.prefill)
      form.append(
        el('p', {}, [
          el('label', {}, [remember, ' Remember me on this browser so this form is filled in next time']),
        ]),
      );
    // The honeypot: people never see or reach it; bots that fill it get a "thank you" and leave nothing.
    const trap = el('p', { className: 'spoor-hp' }, [
      el('label', {}, [
        'Leave this empty ',
        el('input', { type: 'text', name: '_hp', tabIndex: -1, autocomplete: 'off' }),
      ]),
    ]);
    trap.setAttribute('aria-hidden', 'true');
    trap.style.cssText = 'position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden';
    const button = el('button', { type: 'submit' }, [def.submitLabel]);
    form.append(
      trap,
      el('input', { type: 'hidden', name: '_token', value: def.token }),
      alert,
      el('p', {}, [button]),
    );

    // Errors beside their fields: a message element named by aria-describedby, the field marked invalid.
    const clearErrors = () => {
      alert.textContent = '';
      for (const c of Object.values(controls)) {
        c.removeAttribute('aria-invalid');
        c.removeAttribute('aria-describedby');
        d.getElementById(c.id + '-error')?.remove();
      }
    };
    const showErrors = (errors: Record<string, string>) => {
      let first: HTMLElement | undefined;
      const other: string[] = [];
      for (const key in errors) {
        const c = controls[key];
        if (!c) {
          other.push(errors[key]!);
          continue;
        }
        const message = el('span', { id: c.id + '-error', className: 'spoor-error' }, [errors[key]!]);
        c.setAttribute('aria-invalid', 'true');
        c.setAttribute('aria-describedby', message.id);
        c.closest('p')!.append(message);
        first ??= c;
      }
      alert.textContent = ['Please correct the highlighted fields.'].concat(other).join(' ');
      first?.focus();
    };

    let busy = false;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      // A double click, or Enter while the first request runs, must not send a second submission.
      if (busy) return;
      busy = button.disabled = true;
      clearErrors();
      const body: Record<string, unknown> = Object.fromEntries(new FormData(form));
      const anon = anonymous();
      if (anon) body._a = 1;
      else {
        const v = readCookie(d.cookie, 'spoor_vid');
        if (v) body._v = v;
      }
      // A string body goes as text/plain: a CORS-simple request. The tracking host's own cookie (when the
      // browser allows third-party cookies) travels with it.
      fetch(url, { method: 'POST', body: JSON.stringify(body), credentials: 'include' })
        .then((r) => r.json().then((j: SubmitReply) => [r.status, j] as const))
        .then(([code, j]) => {
          if (code === 422 && j.details?.fields) return showErrors(j.details.fields);
          if (code !== 200) throw code;
          if (def.prefill && !anon) {
            if (j.prefill) setCookie(prefillCookie(j.prefill, def.prefillDays ?? 90, https));
            else if (!remember.checked) setCookie(prefillCookie('', 0, https));
          }
          const to = safeRedirect(j.redirect);
          if (to) return L.assign(to);
          form.remove();
          box.dataset.spoorState = 'sent';
          status.textContent = j.message ?? '';
        })
        // Network errors, 429 and 5xx: the same _token goes again on retry, so the server keeps one submission.
        .catch(() => {
          alert.textContent = FAILED;
        })
        .finally(() => {
          busy = button.disabled = false;
        });
    });

    box.replaceChildren(form, status);
    box.dataset.spoorState = 'ready';

    // Prefill only with consent; without it an old prefill cookie is removed, like the tracker's own (and
    // without one, no cookie is written at all, not even an empty one).
    if (anonymous()) {
      if (readCookie(d.cookie, PREFILL_COOKIE)) setCookie(prefillCookie('', 0, https));
    } else {
      const token = def.prefill && readCookie(d.cookie, PREFILL_COOKIE);
      if (token)
        fetch(url + '/prefill', { headers: { 'X-Spoor-Prefill': token } })
          .then((r) => r.json())
          .then((j: { values?: Record<string, string> }) => {
            for (const key in j.values) {
              const c = controls[key];
              const v = j.values[key]!;
              // What the visitor already typed wins over what we remembered.
              if (c instanceof HTMLInputElement && c.type === 'checkbox') c.checked = v === 'true';
              else if (c && !c.value) c.value = v;
              // They chose "remember me" last time; unticking it now is how they withdraw.
              remember.checked = true;
            }
          })
          .catch(() => {});
    }
  };

  const load = (box: HTMLElement) => {
    const id = box.dataset.spoorForm;
    if (!id || box.dataset.spoorState) return;
    box.dataset.spoorState = 'loading';
    fetch(base + '/f/' + encodeURIComponent(id) + '.json')
      .then((r) => {
        if (!r.ok) throw r.status;
        return r.json();
      })
      .then((def: PublicForm) => draw(box, def))
      .catch((e) => {
        box.dataset.spoorState = 'error';
        const p = el('p', { className: 'spoor-alert' }, ['This form could not be loaded.']);
        p.setAttribute('role', 'alert');
        box.replaceChildren(p);
        // A refused origin looks like a network error to the page; say what to check.
        console.error(
          'Spoor: form ' +
            id +
            ' could not be loaded (' +
            e +
            "); is this page's origin allowed for its website?",
        );
      });
  };
  const scan = () => {
    for (const box of d.querySelectorAll<HTMLElement>('[data-spoor-form]')) load(box);
  };
  if (base) {
    scan();
    // In <head>, the script can run before the form's element exists.
    if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', scan);
  }
} catch {}
