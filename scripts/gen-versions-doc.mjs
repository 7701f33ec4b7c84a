// Writes the microversions table of engine/http/README.md from engine/http/versions-table.ts (the table
// every version check derives from). `npm run gen:versions` writes it; `--check` exits 1 if it is stale.
import { regenerateSection } from './readme-section.mjs';

await regenerateSection({ module: 'engine/http/versions-doc.ts', fn: 'withVersionsTable', what: 'microversions table', command: 'npm run gen:versions' });
