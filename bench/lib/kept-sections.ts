// Sections of docs/benchmarks.md measured outside `npm run bench` (a standalone harness, an experiment
// recorded in a decision) sit between KEPT_START and KEPT_END. The run rewrites the page but carries them
// over, so a full run never loses figures it does not itself measure.

export const KEPT_START = '<!-- measured separately: kept by npm run bench -->';
export const KEPT_END = '<!-- /measured separately -->';

/** Every kept block of a page (markers included), in page order; none when the page has none. */
export function keptSections(page: string): string[] {
  const blocks: string[] = [];
  let from = 0;
  for (;;) {
    const start = page.indexOf(KEPT_START, from);
    if (start === -1) return blocks;
    const end = page.indexOf(KEPT_END, start + KEPT_START.length);
    if (end === -1) return blocks;
    blocks.push(page.slice(start, end + KEPT_END.length));
    from = end + KEPT_END.length;
  }
}
