/**
 * Reading Markdown as GitHub renders it, for the docs test: the anchors its headings get, the relative links
 * a page makes, and the option tables of docs/options.md. Text inside fenced code blocks is neither a heading nor a link.
 */

/** The page's lines outside fenced code blocks (```), each with its 1-based line number. */
function proseLines(markdown: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) lines.push({ line: index + 1, text });
  });
  return lines;
}

/** A heading's text as GitHub shows it: code spans, emphasis and links reduced to their words. */
function renderedText(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(\*\*|__|\*|_)(\S(?:.*?\S)?)\1/g, '$2')
    .trim();
}

/**
 * GitHub's anchor for a heading (github-slugger's rule): lower case, every character that is not a letter,
 * a mark, a digit, `_`, `-` or a space dropped, spaces made hyphens.
 */
export function githubSlug(heading: string): string {
  return renderedText(heading)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor the page's headings get; a repeated heading gets `-1`, `-2`… as on GitHub. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = githubSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** A link or image of the page whose target has no scheme (`docs/options.md#store`, `#install`). */
export interface RelativeLink {
  readonly line: number;
  readonly target: string;
}

/** The inline links and images of the page outside code, whose target is relative (no `https:`, `mailto:`…). */
export function relativeLinks(markdown: string): RelativeLink[] {
  const links: RelativeLink[] = [];
  for (const { line, text } of proseLines(markdown)) {
    const prose = text.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1]!;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ line, target });
    }
  }
  return links;
}

/**
 * The option names each section of an options page documents: under each `##` heading (named by its first
 * code span, else its text), the code spans in the first cell of tables whose first column is headed `option` or `prop`.
 */
export function optionTables(markdown: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let section: string | undefined;
  let inOptionTable = false;
  for (const { text } of proseLines(markdown)) {
    const heading = /^##\s+(.+)$/.exec(text)?.[1];
    if (heading !== undefined) {
      section = /`([A-Za-z]+)/.exec(heading)?.[1] ?? renderedText(heading);
      sections.set(section, []);
      inOptionTable = false;
      continue;
    }
    if (!text.startsWith('|')) {
      inOptionTable = false;
      continue;
    }
    const firstCell = text.split('|')[1]!.trim();
    if (/^(option|prop)$/.test(firstCell)) {
      inOptionTable = true;
      continue;
    }
    if (!inOptionTable || section === undefined || /^:?-+:?$/.test(firstCell)) continue;
    for (const match of firstCell.matchAll(/`([^`]+)`/g)) sections.get(section)!.push(match[1]!);
  }
  return sections;
}
