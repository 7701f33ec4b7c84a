// How one BMC model lays out its service: ids, paths, storage kind, what it insists on. The lab's BMC
// serves the same logic under any of these, so the driver is tested against the layouts real BMCs use
// (test/redfish/fixtures/ holds profiles written from DMTF's mockups of Dell, HPE, Lenovo, Supermicro).

export interface Inventory {
  /** Processors: one document per socket. */
  processors: Array<{ Id: string; TotalCores: number; TotalThreads: number; InstructionSet?: string; ProcessorArchitecture?: string; Model?: string }>;
  /** GiB in MemorySummary; 0 leaves the summary out (the driver then sums the Memory DIMMs). */
  memoryGiB: number;
  dimmsMiB: number[];
  disksBytes: number[];
  macs: string[];
}

export interface BmcProfile {
  /** The vendor, for messages. */
  name: string;
  systemId: string;
  managerId: string;
  /** HPE iLO writes every @odata.id with a trailing slash. */
  trailingSlash: boolean;
  /** Newer BMCs have Storage (+Drives); older ones SimpleStorage (+Devices). */
  storage: 'Storage' | 'SimpleStorage';
  /** PATCH without a matching If-Match is refused (428 without one, 412 with a stale one). */
  requireIfMatch: boolean;
  /** 'session': basic auth is refused, a session is required; 'basic': no SessionService. */
  auth: 'both' | 'session' | 'basic';
  /** The Bios resource has a separate @Redfish.Settings object applied at the next boot. */
  biosSettingsObject: boolean;
  secureBoot: boolean;
  /** ResetType@Redfish.AllowableValues the system lists (some BMCs offer ForceOn, not On). */
  resetTypes: string[];
  bootTargets: string[];
  biosAttributes: Record<string, string | number | boolean>;
  inventory: Inventory;
}

export const DEFAULT_PROFILE: BmcProfile = {
  name: 'ironplan lab',
  systemId: '1',
  managerId: '1',
  trailingSlash: false,
  storage: 'Storage',
  requireIfMatch: false,
  auth: 'both',
  biosSettingsObject: true,
  secureBoot: true,
  resetTypes: ['On', 'ForceOff', 'ForceRestart', 'GracefulShutdown', 'GracefulRestart', 'Nmi', 'PushPowerButton'],
  bootTargets: ['None', 'Pxe', 'Hdd', 'Cd', 'BiosSetup', 'UefiHttp'],
  biosAttributes: { BootMode: 'Uefi', ProcTurboMode: 'Enabled', EmbeddedSata: 'Ahci', NumLock: 'On' },
  inventory: {
    processors: [{ Id: 'CPU1', TotalCores: 1, TotalThreads: 2, InstructionSet: 'x86-64', ProcessorArchitecture: 'x86', Model: 'QEMU Virtual CPU' }],
    memoryGiB: 0.5,
    dimmsMiB: [512],
    disksBytes: [1 * 1024 ** 3],
    macs: ['52:54:00:12:34:56'],
  },
};

export function withProfile(overrides: Partial<BmcProfile> = {}): BmcProfile {
  return { ...DEFAULT_PROFILE, ...overrides, inventory: { ...DEFAULT_PROFILE.inventory, ...overrides.inventory } };
}
