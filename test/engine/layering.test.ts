// The folders depend one way: contract/ <- drivers/, contract/ <- engine/, and only the composition root
// joins the two. Without this a driver could reach into the engine's modules (or the engine into a
// driver's) and nothing would notice until the two could no longer be built or shipped apart.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

type Folder = 'contract' | 'drivers' | 'engine';

/** What each folder may import besides itself (packages and node: builtins are always allowed). */
const ALLOWED: Record<Folder, Folder[]> = {
  contract: [],
  drivers: ['contract'],
  engine: ['contract'],
};

/**
 * Files allowed to import past their folder's rule, each with why. Keep this short: what both sides need
 * belongs in contract/.
 */
const EXCEPTIONS: Array<{ file: string; may: Folder; why: string }> = [
  {
    file: 'engine/cli/compose.ts',
    may: 'drivers',
    why: 'the composition root: the CLI processes (serve, manager, local commands) choose the built-in drivers, the TFTP server and the ramdisk builder here',
  },
];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sources(rel));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every module a file names: static imports, re-exports, `import type` and literal dynamic imports. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** The top folder a specifier lands in ('<package>' for packages, builtins and the package itself). */
function target(file: string, spec: string): { to: string; path: string } {
  if (!spec.startsWith('.')) return { to: spec === 'ironplan' || spec.startsWith('ironplan/') ? 'ironplan (self)' : '<package>', path: spec };
  const path = relative(root, resolve(root, dirname(file), spec)).split(sep).join('/');
  return { to: path.split('/')[0]!, path };
}

const edges = (Object.keys(ALLOWED) as Folder[]).flatMap((folder) =>
  sources(folder).flatMap((file) => importsOf(file).map((spec) => ({ folder, file, spec, ...target(file, spec) }))),
);

describe('layering', () => {
  it('sees the imports it checks', () => {
    // Guards the scanner itself: were it to find nothing, every rule below would pass.
    expect(edges.some((e) => e.file === 'engine/cli/compose.ts' && e.path === 'drivers/builtin.js')).toBe(true);
    expect(edges.some((e) => e.file === 'engine/cli/compose.ts' && e.path === 'drivers/tftp/server.js')).toBe(true);
    expect(edges.some((e) => e.file === 'drivers/types.ts' && e.path === 'contract/types.js')).toBe(true);
    expect(edges.some((e) => e.file === 'engine/engine.ts' && e.path === 'contract/types.js')).toBe(true);
  });

  for (const folder of Object.keys(ALLOWED) as Folder[]) {
    it(`${folder}/ imports only ${[folder, ...ALLOWED[folder]].map((f) => `${f}/`).join(', ')} and packages`, () => {
      const bad = edges
        .filter((e) => e.folder === folder && e.to !== '<package>')
        .filter((e) => e.to !== folder && !ALLOWED[folder].includes(e.to as Folder))
        .filter((e) => !EXCEPTIONS.some((x) => x.file === e.file && x.may === e.to))
        .map((e) => `${e.file} imports ${e.spec}`);
      expect(bad).toEqual([]);
    });
  }

  it('every exception is still needed', () => {
    const unused = EXCEPTIONS.filter((x) => !edges.some((e) => e.file === x.file && e.to === x.may)).map((x) => x.file);
    expect(unused).toEqual([]);
  });
});
