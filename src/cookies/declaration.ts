// Renders the cookie declaration (JSON for GET /cookies.json, Markdown for docs/cookies.md).
import { Type } from '@sinclair/typebox';
import { COOKIES, type CookieVariant } from './definitions.ts';

/** The JSON declaration's shape, for the API document. */
export const cookieDeclarationSchema = Type.Object(
  {
    cookies: Type.Array(
      Type.Object({
        name: Type.String(),
        essential: Type.Boolean(),
        purpose: Type.String(),
        lifetime: Type.String(),
        containsPersonalData: Type.Literal(false),
        variants: Type.Array(
          Type.Object({
            party: Type.String(),
            setBy: Type.Union([Type.Literal('server'), Type.Literal('script')]),
            httpOnly: Type.Boolean(),
            secure: Type.Union([
              Type.Boolean(),
              Type.Literal('when the page is https'),
              Type.Literal('when the public URL is https'),
            ]),
            sameSite: Type.Union([Type.Literal('None'), Type.Literal('Lax'), Type.Literal('Strict')]),
            path: Type.Optional(
              Type.String({ description: 'Path of a cookie the server sets (host-only).' }),
            ),
            when: Type.String(),
          }),
        ),
      }),
    ),
  },
  { title: 'CookieDeclaration' },
);

export function cookieDeclaration() {
  return { cookies: COOKIES };
}

function attributes(v: CookieVariant): string {
  const parts = [
    v.setBy === 'server' ? 'set by the server' : 'set by the script',
    v.httpOnly ? 'HttpOnly' : 'readable by the script',
    v.secure === true ? 'Secure' : v.secure === false ? 'not Secure' : `Secure ${v.secure}`,
    `SameSite=${v.sameSite}`,
    ...(v.path ? [`Path=${v.path}`] : []),
  ];
  return parts.join(', ');
}

export function cookieDeclarationMarkdown(): string {
  const lines = [
    '# Cookies Spoor sets',
    '',
    '<!-- Generated from src/cookies/definitions.ts by `npm run docs:cookies`; a test fails when this file is stale. -->',
    '',
    'The same list is served as JSON at `GET /cookies.json` for consent tools.',
    'No cookie holds personal data: ids are random (128 bits) and mean nothing outside Spoor.',
    'Under anonymize (no consent, or Global Privacy Control when the website honours it) none of',
    'these cookies is set, not even for a moment, and existing ones are deleted. The script decides',
    "before it writes anything: the page's consent hook first; and with Global Privacy Control on, it",
    "writes no cookie until Spoor's answer names a visitor, which happens only on a website set to",
    'ignore GPC (`gpcMode: "ignore"`).',
    "`spoor_session` is not a tracking cookie: it is set only for the people who sign in to Spoor's",
    "dashboard, on Spoor's own host, and never for visitors or contacts.",
    "`spoor_portal` and `spoor_lang` are the event website's essential cookies, on Spoor's own host",
    'under `/events` only: a signed-in contact and the language they chose. The tracking script never',
    'sets or reads them, so consent and Global Privacy Control do not change them.',
    '',
    '| cookie | essential | purpose | party | lifetime | attributes |',
    '|---|---|---|---|---|---|',
  ];
  for (const cookie of COOKIES) {
    for (const variant of cookie.variants) {
      lines.push(
        `| \`${cookie.name}\` | ${cookie.essential ? 'yes' : 'no'} | ${cookie.purpose} | ${variant.party}: ${variant.when} | ${cookie.lifetime} | ${attributes(variant)} |`,
      );
    }
  }
  lines.push('');
  return lines.join('\n');
}
