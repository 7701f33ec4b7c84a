// The microversions table of engine/http/README.md, rendered from versions-table.ts so the document cannot
// drift from the checks (`npm run gen:versions` writes it; test/http/versions.test.ts fails when stale).
import { MAX_VERSION, MIN_VERSION, MICROVERSIONS, type Change, type Microversion } from './versions-table.js';

export const BEGIN = '<!-- versions-table:begin (generated from engine/http/versions-table.ts by `npm run gen:versions`: do not edit) -->';
export const END = '<!-- versions-table:end -->';

const code = (s: string) => `\`${s}\``;
const list = (names: string[]) => names.map(code).join(', ');
const plural = (word: string, n: number) => (n > 1 ? `${word}s` : word);

function refusalText(c: Change & { minor: number }): string {
  // Nothing is below the first version, and rows answered at any version refuse nothing.
  if (c.below === undefined || c.minor <= MIN_VERSION || c.support === 'any-version') return '';
  if (typeof c.below === 'number') return `; below: ${c.below}`;
  return `; below: ${Object.entries(c.below).map(([m, s]) => `${m} ${s}`).join(', ')}`;
}

/** What a group of alike changes adds, in words. */
function adds(group: Change[], minor: number): string {
  const c = { ...group[0]!, minor };
  const names = group.map((g) => g.name);
  switch (c.kind) {
    case 'field':
      return c.of === 'v1' ? `${plural('link', names.length)} ${list(names)} in \`GET /v1\`` : `${c.of} ${plural('field', names.length)} ${list(names)}`;
    case 'endpoint':
      return `${list(names)}${refusalText(c)}`;
    case 'provision':
    case 'power':
      return `${c.kind} ${plural('target', names.length)} ${list(names)}${refusalText(c)}`;
    case 'query':
      return `${list(names.map((n) => `?${n}`))} on \`/v1/${c.of}\`${refusalText(c)}`;
    case 'state':
      return `the state name ${list(names)}; below: ${c.older === null ? '`null`' : code(String(c.older))}`;
    case 'behaviour':
      return c.what ?? c.name;
  }
}

function supportText(c: Change): string {
  const note = c.note ? `: ${c.note}` : '';
  switch (c.support) {
    case 'yes':
      return `yes${note}`;
    case 'none':
      return `Ironic's "none" value${note}`;
    case 'no':
      return `not implemented${note}`;
    case 'any-version':
      return `at any version${note}`;
  }
}

/** Consecutive changes of one kind, resource, support and refusal, as one line. */
function groups(changes: readonly Change[]): Change[][] {
  const out: Change[][] = [];
  const same = (a: Change, b: Change) =>
    a.kind === b.kind && a.of === b.of && a.support === b.support && a.note === b.note && a.kind !== 'behaviour' && JSON.stringify(a.below) === JSON.stringify(b.below) && a.older === b.older;
  for (const c of changes) {
    const last = out.at(-1);
    if (last && same(last[0]!, c)) last.push(c);
    else out.push([c]);
  }
  return out;
}

function rows(versions: readonly Microversion[]): string[] {
  const out = ['| Version | Adds | In ironplan |', '|---|---|---|'];
  for (const mv of versions) {
    groups(mv.changes).forEach((g, i) => {
      const version = i === 0 ? `**1.${mv.minor}** ${mv.title}` : '';
      out.push(`| ${version} | ${adds(g, mv.minor).replace(/\|/g, '\\|')} | ${supportText(g[0]!).replace(/\|/g, '\\|')} |`);
    });
  }
  return out;
}

/** The README section between BEGIN and END (without the markers). */
export function renderVersionsTable(): string {
  const all = MICROVERSIONS as readonly Microversion[];
  const claimed = all.filter((mv) => mv.minor <= MAX_VERSION);
  const later = all.filter((mv) => mv.minor > MAX_VERSION);
  return [
    `ironplan answers microversions 1.${MIN_VERSION} to 1.${MAX_VERSION}. A field appears from the version that adds it (and is`,
    `refused with 406 in a request below it); other changes say how a request below their version is answered.`,
    '',
    ...rows(claimed),
    '',
    `Later versions: what ironplan already has, or must refuse, from versions it does not claim yet. A request`,
    `(at most 1.${MAX_VERSION}) is below them, and answered so, unless the row says "at any version".`,
    '',
    ...rows(later),
  ].join('\n');
}

/** A README with its section replaced by the rendered table (throws if the markers are missing). */
export function withVersionsTable(readme: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`engine/http/README.md has no versions table markers (${BEGIN} ... ${END})`);
  return `${readme.slice(0, start + BEGIN.length)}\n${renderVersionsTable()}\n${readme.slice(end)}`;
}
