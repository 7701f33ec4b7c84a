// Writes the policy table of engine/http/README.md from engine/http/policy-rules.ts (the rules the API
// checks). `node scripts/gen-policy-doc.mjs` writes it; `--check` exits 1 if it is stale.
import { regenerateSection } from './readme-section.mjs';

await regenerateSection({ module: 'engine/http/policy-rules.ts', fn: 'withPolicyTable', what: 'policy table', command: 'node scripts/gen-policy-doc.mjs' });
