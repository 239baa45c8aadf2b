// The plain-text part made from the HTML body when a message has none of its own.
//
// Converting once per message (not per recipient) keeps a large send fast, but the converter must not
// touch the Liquid markup: headings would upper-case `{{ contact.first_name }}` into a variable that
// does not exist, and skipped elements would drop tags. So the markup is shielded behind placeholders
// during conversion and put back after; when the placeholders do not all come back in order (markup
// inside an image attribute, a loop between list items), the caller converts each rendered email instead.
import { compile } from 'html-to-text';

const convert = compile({
  wordwrap: false,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    // Shouting headings would differ from the text a merge field puts in them.
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
});

/** Text of an already rendered HTML email. */
export function textFromHtml(html: string): string {
  return convert(html);
}

const LIQUID_MARKUP = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const PLACEHOLDER = /\uE000(\d+)\uE001/g;

/**
 * A text template made from an HTML template, or null when the Liquid markup does not survive
 * conversion intact (the caller then converts per recipient).
 */
export function textTemplateFromHtml(htmlTemplate: string): string | null {
  if (htmlTemplate.includes('\uE000')) return null;
  const markup: string[] = [];
  const shielded = htmlTemplate.replace(LIQUID_MARKUP, (found) => {
    markup.push(found);
    return `\uE000${markup.length - 1}\uE001`;
  });
  // Braces now left in the text are the message's own (an entity like &#123;): keep them literal.
  const converted = convert(shielded).replace(/\{(?=[{%])/g, '{{ "{" }}');
  let expected = 0;
  for (const match of converted.matchAll(PLACEHOLDER)) {
    if (Number(match[1]) !== expected) return null;
    expected += 1;
  }
  if (expected !== markup.length) return null;
  return converted.replace(PLACEHOLDER, (_match, index: string) => markup[Number(index)]!);
}
