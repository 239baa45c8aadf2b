// The plain-text part made from the HTML body when a message has none of its own.
//
// Converting once per message (not per recipient) keeps a large send fast, but the converter must not
// touch the Liquid markup: headings would upper-case `{{ contact.first_name }}` into a variable that
// does not exist, and skipped elements would drop tags. So the markup is shielded behind placeholders
// during conversion and put back after; when the placeholders do not all come back in order (markup
// inside an image attribute, a loop between list items), the caller converts each rendered email instead.
//
// Mail filters and people reading the text part both expect it to read like the message: images give
// their alt text (a logo says "Contoso", the pixel, with no alt, says nothing), and a link is shown as
// its label followed by the address; a link with no label at all (an image without alt text) is left
// out rather than shown as a bare tracking address, so the text never starts with one.
import { compile } from 'html-to-text';

interface ConvertedNode {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: ConvertedNode[];
}

/** Whether a link has a label a reader sees: text, or an image's alt text. */
function hasLabel(node: ConvertedNode): boolean {
  if (node.type === 'text') return (node.data ?? '').trim() !== '';
  if (node.name === 'img') return (node.attribs?.['alt'] ?? '').trim() !== '';
  return (node.children ?? []).some(hasLabel);
}

const convert = compile({
  wordwrap: false,
  formatters: {
    altText(elem, _walk, builder) {
      const alt = (elem.attribs?.['alt'] ?? '').trim();
      if (alt) builder.addInline(alt);
    },
  },
  selectors: [
    { selector: 'img', format: 'altText' },
    {
      selector: 'a',
      options: {
        hideLinkHrefIfSameAsText: true,
        // html-to-text passes the link's element third (its types declare two parameters); an empty
        // address makes it print the label alone, and a link with no label prints nothing.
        pathRewrite: ((href: string, _meta: unknown, elem: ConvertedNode) =>
          hasLabel(elem) ? href : '') as (path: string, meta: unknown) => string,
      },
    },
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
const MARKUP_IN_TAG = /<[^>]*\uE000/;
const MARKUP_BETWEEN_ITEMS = /(<(ul|ol|table|thead|tbody|tr)\b[^>]*>|<\/(li|tr|td|th)>)\s*\uE000/i;

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
  // Markup inside a tag (an alt text that depends on the contact), or between list items or table rows
  // (a loop making the items), comes out of the converter misplaced: convert per recipient instead.
  if (MARKUP_IN_TAG.test(shielded) || MARKUP_BETWEEN_ITEMS.test(shielded)) return null;
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
