// The lab BMC's Redfish documents, built from its profile and state on each read: ServiceRoot, the
// SessionService, Systems/{id} (Boot, Reset, SecureBoot, Bios + Settings, the inventory), Managers/{id}
// with VirtualMedia. Every resource is keyed by its path without a trailing slash.
import type { BmcProfile } from './profile.js';
import type { BootTarget, RedfishPowerState } from './machine.js';

export type Json = Record<string, any>;
type Value = string | number | boolean;

export interface BmcState {
  power: RedfishPowerState;
  boot: { target: BootTarget; enabled: 'Disabled' | 'Once' | 'Continuous'; mode: 'UEFI' | 'Legacy' };
  secureBoot: boolean;
  bios: Record<string, Value>;
  pendingBios: Record<string, Value>;
  media: { image: string | null };
  /** Version of each writable resource: its ETag. */
  versions: Map<string, number>;
}

export interface Paths {
  root: string;
  sessions: string;
  systems: string;
  system: string;
  bios: string;
  biosSettings: string;
  secureBoot: string;
  reset: string;
  manager: string;
  cd: string;
}

export function pathsOf(p: BmcProfile): Paths {
  const system = `/redfish/v1/Systems/${p.systemId}`;
  const manager = `/redfish/v1/Managers/${p.managerId}`;
  return {
    root: '/redfish/v1',
    sessions: '/redfish/v1/SessionService/Sessions',
    systems: '/redfish/v1/Systems',
    system,
    bios: `${system}/Bios`,
    biosSettings: `${system}/Bios/Settings`,
    secureBoot: `${system}/SecureBoot`,
    reset: `${system}/Actions/ComputerSystem.Reset`,
    manager,
    cd: `${manager}/VirtualMedia/Cd`,
  };
}

export function etagOf(state: BmcState, path: string): string {
  return `W/"${state.versions.get(path) ?? 0}"`;
}

/** Every document the BMC serves, by path. */
export function documents(p: BmcProfile, s: BmcState, sessionIds: string[]): Map<string, Json> {
  const P = pathsOf(p);
  const id = (path: string) => ({ '@odata.id': p.trailingSlash ? `${path}/` : path });
  const collection = (path: string, type: string, members: string[]) => ({ ...id(path), '@odata.type': `#${type}Collection.${type}Collection`, Name: `${type} Collection`, 'Members@odata.count': members.length, Members: members.map(id) });
  const docs = new Map<string, Json>();
  const put = (path: string, doc: Json) => docs.set(path, { ...id(path), ...doc });
  const inv = p.inventory;

  put(P.root, {
    '@odata.type': '#ServiceRoot.v1_5_0.ServiceRoot', Id: 'RootService', Name: `${p.name} Redfish service`, RedfishVersion: '1.6.0',
    Systems: id(P.systems), Managers: id('/redfish/v1/Managers'),
    ...(p.auth === 'basic' ? {} : { SessionService: id('/redfish/v1/SessionService'), Links: { Sessions: id(P.sessions) } }),
  });
  if (p.auth !== 'basic') {
    put('/redfish/v1/SessionService', { '@odata.type': '#SessionService.v1_1_0.SessionService', Id: 'SessionService', ServiceEnabled: true, SessionTimeout: 1800, Sessions: id(P.sessions) });
    put(P.sessions, collection(P.sessions, 'Session', sessionIds.map((sid) => `${P.sessions}/${sid}`)));
  }
  put(P.systems, collection(P.systems, 'ComputerSystem', [P.system]));

  const storagePath = `${P.system}/${p.storage}`;
  put(P.system, {
    '@odata.type': '#ComputerSystem.v1_10_0.ComputerSystem', '@odata.etag': etagOf(s, P.system), Id: p.systemId, Name: 'System', SystemType: 'Physical',
    PowerState: s.power,
    Boot: {
      BootSourceOverrideTarget: s.boot.target, BootSourceOverrideEnabled: s.boot.enabled, BootSourceOverrideMode: s.boot.mode,
      'BootSourceOverrideTarget@Redfish.AllowableValues': p.bootTargets,
    },
    ProcessorSummary: { Count: inv.processors.length, LogicalProcessorCount: inv.processors.reduce((a, c) => a + c.TotalThreads, 0) },
    ...(inv.memoryGiB ? { MemorySummary: { TotalSystemMemoryGiB: inv.memoryGiB } } : {}),
    Processors: id(`${P.system}/Processors`), Memory: id(`${P.system}/Memory`), EthernetInterfaces: id(`${P.system}/EthernetInterfaces`),
    [p.storage]: id(storagePath), Bios: id(P.bios),
    ...(p.secureBoot ? { SecureBoot: id(P.secureBoot) } : {}),
    Actions: { '#ComputerSystem.Reset': { target: id(P.reset)['@odata.id'], 'ResetType@Redfish.AllowableValues': p.resetTypes } },
    Links: { ManagedBy: [id(P.manager)] },
  });

  const members = (base: string, items: Json[]) => {
    put(base, collection(base, base.split('/').pop()!, items.map((it) => `${base}/${it.Id}`)));
    for (const it of items) put(`${base}/${it.Id}`, it);
  };
  members(`${P.system}/Processors`, inv.processors.map((c) => ({ '@odata.type': '#Processor.v1_3_0.Processor', ProcessorType: 'CPU', ...c })));
  members(`${P.system}/Memory`, inv.dimmsMiB.map((mib, i) => ({ '@odata.type': '#Memory.v1_7_0.Memory', Id: `DIMM${i}`, CapacityMiB: mib })));
  members(`${P.system}/EthernetInterfaces`, inv.macs.map((mac, i) => ({ '@odata.type': '#EthernetInterface.v1_4_0.EthernetInterface', Id: `NIC${i + 1}`, MACAddress: mac.toUpperCase(), Status: { State: 'Enabled' } })));
  if (p.storage === 'SimpleStorage') {
    members(storagePath, [{ '@odata.type': '#SimpleStorage.v1_2_0.SimpleStorage', Id: '1', Devices: inv.disksBytes.map((b, i) => ({ Name: `Disk ${i}`, CapacityBytes: b })) }]);
  } else {
    const drives = inv.disksBytes.map((b, i) => `${storagePath}/1/Drives/Disk${i}`);
    members(storagePath, [{ '@odata.type': '#Storage.v1_7_0.Storage', Id: '1', Drives: drives.map(id) }]);
    inv.disksBytes.forEach((b, i) => put(drives[i]!, { '@odata.type': '#Drive.v1_5_0.Drive', Id: `Disk${i}`, CapacityBytes: b }));
  }

  put(P.bios, {
    '@odata.type': '#Bios.v1_0_0.Bios', '@odata.etag': etagOf(s, P.bios), Id: 'BIOS', AttributeRegistry: 'BiosAttributeRegistry.v1_0_0', Attributes: { ...s.bios },
    ...(p.biosSettingsObject ? { '@Redfish.Settings': { '@odata.type': '#Settings.v1_0_0.Settings', SettingsObject: id(P.biosSettings) } } : {}),
  });
  if (p.biosSettingsObject) put(P.biosSettings, { '@odata.type': '#Bios.v1_0_0.Bios', '@odata.etag': etagOf(s, P.biosSettings), Id: 'Settings', Attributes: { ...s.pendingBios } });
  if (p.secureBoot) put(P.secureBoot, { '@odata.type': '#SecureBoot.v1_0_0.SecureBoot', '@odata.etag': etagOf(s, P.secureBoot), Id: 'SecureBoot', SecureBootEnable: s.secureBoot, SecureBootCurrentBoot: s.secureBoot ? 'Enabled' : 'Disabled', SecureBootMode: 'UserMode' });

  put('/redfish/v1/Managers', collection('/redfish/v1/Managers', 'Manager', [P.manager]));
  put(P.manager, { '@odata.type': '#Manager.v1_3_0.Manager', Id: p.managerId, ManagerType: 'BMC', VirtualMedia: id(`${P.manager}/VirtualMedia`), Links: { ManagerForServers: [id(P.system)] } });
  put(`${P.manager}/VirtualMedia`, collection(`${P.manager}/VirtualMedia`, 'VirtualMedia', [P.cd]));
  put(P.cd, {
    '@odata.type': '#VirtualMedia.v1_3_0.VirtualMedia', Id: 'Cd', Name: 'Virtual CD', MediaTypes: ['CD', 'DVD'],
    Image: s.media.image, Inserted: s.media.image !== null, WriteProtected: true, ConnectedVia: s.media.image ? 'URI' : 'NotConnected',
    Actions: {
      '#VirtualMedia.InsertMedia': { target: `${P.cd}/Actions/VirtualMedia.InsertMedia` },
      '#VirtualMedia.EjectMedia': { target: `${P.cd}/Actions/VirtualMedia.EjectMedia` },
    },
  });
  return docs;
}

/** A Redfish error body: the message and its @Message.ExtendedInfo (what drivers show operators). */
export function redfishError(messageId: string, message: string): Json {
  return { error: { code: 'Base.1.8.GeneralError', message: 'A general error has occurred. See ExtendedInfo for more information.', '@Message.ExtendedInfo': [{ '@odata.type': '#Message.v1_0_0.Message', MessageId: `Base.1.8.${messageId}`, Message: message, Severity: 'Warning' }] } };
}
