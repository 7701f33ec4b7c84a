// The composition root: the process, not the engine, decides which drivers run. This is the one module
// under engine/ that imports drivers/ (test/engine/layering.test.ts holds it to that); everything else in
// the engine knows drivers only through contract/.
import type { DriverModule } from '../../contract/types.js';
import { builtinDrivers } from '../../drivers/builtin.js';

/** The drivers that ship with ironplan: what `serve`, `manager` and the local CLI commands load. */
export const BUILTIN_DRIVERS: readonly DriverModule[] = [builtinDrivers];

// Loaded on demand: only `--tftp-port` and `ramdisk build` need them.
export const loadTftpServer = () => import('../../drivers/tftp/server.js');
export const loadRamdiskBuild = () => import('../../drivers/agent/ramdisk-build.js');
