// BIOS settings of a fake-hardware node through the API on a real SQLite file (the cases: bios-suite.ts).
import { biosSuite } from './bios-suite.js';
import { startHarness } from './helpers.js';

biosSuite('SQLite', () => startHarness());
