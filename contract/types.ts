// The driver contract: a hardware type is a named set of small interfaces (after Ironic), each with
// validate() and a few verbs. The engine only ever talks to hardware through these.
import type { NodeRecord } from './generated/node-record.js';
import type { PortRecord } from './generated/port-record.js';

export type PowerState = 'power on' | 'power off';
/** Ironic's boot device names; a management interface lists the ones it sets (getSupportedBootDevices). */
export type BootDevice = 'pxe' | 'disk' | 'cdrom' | 'bios' | 'safe' | 'uefihttp';
export const BOOT_DEVICES: readonly BootDevice[] = ['pxe', 'disk', 'cdrom', 'bios', 'safe', 'uefihttp'];

export type InterfaceKind = 'power' | 'management' | 'boot' | 'deploy' | 'inspect' | 'vendor';
export const INTERFACE_KINDS: readonly InterfaceKind[] = ['power', 'management', 'boot', 'deploy', 'inspect', 'vendor'];

/** Why a driver call failed; the engine records the message as the node's last_error. */
export type DriverErrorCode =
  | 'MissingParameterValue'
  | 'InvalidParameterValue'
  | 'BmcUnreachable'
  | 'BmcAuthFailed'
  | 'UnsupportedDevice'
  | 'PowerStateFailure'
  | 'ImageError'
  | 'DriverOperationError'
  | 'UnsupportedDriverExtension';

export class DriverError extends Error {
  readonly code: DriverErrorCode;
  /** The driver_info (or other) field at fault, when one is. */
  readonly field?: string;
  constructor(code: DriverErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'DriverError';
    this.code = code;
    this.field = field;
  }
}

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** Settings of the running service that drivers need (where the API and boot files are). */
export interface ServiceSettings {
  /** URL the deploy agent and iPXE use to reach the API, e.g. http://10.0.2.2:6385 */
  apiUrl: string;
  /**
   * Where this manager's boot files (bootRoot) are served over HTTP, when not by the API itself (several
   * managers: each serves the files of the nodes it owns). Default: apiUrl (the all-in-one `serve`).
   */
  bootUrl?: string;
  /** Directory holding boot files (kernels, initramfs, per-node scripts). */
  bootRoot: string;
  /** Seconds a node may wait for its agent (`wait call-back`, `clean wait`) without a heartbeat. */
  deployCallbackTimeoutSec: number;
  /**
   * Automated cleaning (Ironic's [conductor]automated_clean): on provide and after undeploy, deploy
   * interfaces that can boot an agent erase the disks' metadata in band before the node is available.
   * Off, cleaning only powers the node off and removes its boot configuration.
   */
  automatedClean: boolean;
  /** Directory for driver state files (e.g. mode-0600 password files). */
  stateDir: string;
  /** Bound of the manager's converted-image cache in the boot root (default 20 GiB). */
  imageCacheBytes?: number;
  /** Directories file:// image sources may come from (Ironic's file_url_allowed_paths); none by default. */
  imageFileRoots?: string[];
}

// The agent protocol's shapes come from schemas/agent-heartbeat.schema.json and agent-command.schema.json.
export type { AgentHeartbeat } from './generated/agent-heartbeat.js';
export type { AgentCommand } from './generated/agent-command.js';
import type { AgentHeartbeat } from './generated/agent-heartbeat.js';
import type { AgentCommand } from './generated/agent-command.js';

/** Reaching back into the manager: the same entry points the HTTP API offers the real agent. */
export interface AgentChannel {
  lookup(query: { addresses?: string[]; node_uuid?: string; boot_id?: string }): Promise<{ node_uuid: string; agent_token: string | null }>;
  heartbeat(nodeUuid: string, body: AgentHeartbeat): Promise<AgentCommand>;
}

/** One operation on one node, holding its lock. */
export interface Task {
  readonly node: NodeRecord;
  readonly ports: readonly PortRecord[];
  readonly log: Logger;
  readonly settings: ServiceSettings;
  /** The node's other interfaces, for flows that compose them (deploy uses power, management, boot). */
  readonly driver: NodeDriver;
  readonly agent: AgentChannel;
  /** The manager's image preparation (qcow2 to raw, config drives, virtual-media ISOs); absent where none runs. */
  readonly images?: ImageService;
  /** Persist driver-private state on the node (merged into driver_internal_info). */
  saveInternalInfo(patch: Record<string, unknown>): Promise<void>;
}

/** A whole-disk image as the agent is to stream it: raw bytes at a URL, and their digest. */
export interface RawImage {
  url: string;
  /** `sha256:<hex>` (or the source's own checksum when it is streamed as is). */
  checksum: string;
  /** The manager converted the source (qcow2, vmdk, ...) and serves the raw result. */
  converted: boolean;
}

/**
 * What the manager prepares for an agent deploy (engine/images). Every method throws DriverError
 * ('ImageError' or 'InvalidParameterValue') with the reason; nothing is written to a node's disk by them.
 */
export interface ImageService {
  /**
   * A raw image for instance_info's image: the source's checksum is verified BEFORE anything is converted
   * (a mismatch throws); formats other than raw are converted once per source checksum and cached.
   */
  rawImage(task: Task): Promise<RawImage>;
  /** The node's config drive (instance_info.configdrive) as an ISO 9660 `config-2` URL, or null without one. */
  configDrive(task: Task): Promise<string | null>;
  /** Removes what configDrive served for the node (it holds user data). */
  removeConfigDrive(task: Task): Promise<void>;
  /**
   * A bootable ISO (BIOS and UEFI) of the deploy ramdisk for virtual media, for a boot interface such as
   * redfish-virtual-media to insert: `kernelArgs` (the agent's settings) on its command line, plus a static
   * address from the config drive's network_data for `mac` so the agent needs no DHCP. Returns its URL on
   * this manager's boot server; the node's previous ISO is replaced.
   */
  virtualMediaIso(task: Task, boot: VirtualMediaBoot): Promise<string>;
  /** Removes the node's virtual-media ISO. */
  removeVirtualMediaIso(task: Task): Promise<void>;
}

export interface VirtualMediaBoot {
  /** The deploy kernel and ramdisk: file names in the boot root, or http(s) URLs. */
  kernel: string;
  ramdisk: string;
  /** The agent's command line (drivers/ipxe's deployKernelArgs gives it). */
  kernelArgs: string;
  /** The MAC whose network_data address the agent takes. */
  mac?: string;
}

export interface JsonSchema {
  [key: string]: unknown;
}

interface BaseInterface {
  /** Implementation name, e.g. ipmitool, fake, ipxe, agent. */
  readonly name: string;
  /** JSON Schema of the driver_info fields this interface reads; secrets carry writeOnly: true. */
  readonly driverInfoSchema?: JsonSchema;
  /** Throws DriverError naming the missing or wrong field; may contact the hardware only if cheap. */
  validate(task: Task): Promise<void>;
}

export interface PowerInterface extends BaseInterface {
  getPowerState(task: Task): Promise<PowerState>;
  /** Resolves once the BMC confirms the new state. */
  setPowerState(task: Task, state: PowerState, timeoutSec?: number): Promise<void>;
  reboot(task: Task, timeoutSec?: number): Promise<void>;
  /**
   * Soft power off (Ironic API 1.27): asks the operating system to shut down (ACPI) and resolves once the
   * BMC confirms power off. Optional: a power interface without it refuses "soft power off" and "soft
   * rebooting" (a soft reboot is this, then power on, as Ironic's ipmitool does it).
   */
  softPowerOff?(task: Task, timeoutSec?: number): Promise<void>;
}

export interface BootDeviceInfo {
  boot_device: BootDevice | null;
  persistent: boolean | null;
}

export interface ManagementInterface extends BaseInterface {
  getBootDevice(task: Task): Promise<BootDeviceInfo>;
  setBootDevice(task: Task, device: BootDevice, persistent: boolean): Promise<void>;
  getSupportedBootDevices(task: Task): Promise<BootDevice[]>;
  /** Common tier (optional): PCI devices, shape fixed by schemas/common-tier/pci-devices.schema.json. */
  getPciDevices?(task: Task): Promise<unknown>;
  /** Ironic's inject_nmi (optional): a non-maskable interrupt, e.g. to make a hung kernel dump. */
  injectNmi?(task: Task): Promise<void>;
  /** Ironic's boot mode (optional): the firmware's mode for the next boots. */
  getBootMode?(task: Task): Promise<BootMode | null>;
  setBootMode?(task: Task, mode: BootMode): Promise<void>;
  /** Ironic's secure boot state (optional): UEFI Secure Boot on the node, when its firmware has it. */
  getSecureBootState?(task: Task): Promise<boolean | null>;
  setSecureBootState?(task: Task, enabled: boolean): Promise<void>;
  /**
   * BIOS settings (Ironic's bios interface), optional. Reached through the management interface, since a
   * node names no bios interface of its own (yet): `task.driver.management.bios`.
   */
  readonly bios?: BiosInterface;
}

export type BootMode = 'uefi' | 'bios';
export const BOOT_MODES: readonly BootMode[] = ['uefi', 'bios'];

/** One BIOS setting as Ironic's GET /v1/nodes/{node}/bios lists it. */
export interface BiosSetting {
  name: string;
  value: string | number | boolean | null;
}

export interface BiosInterface {
  /** The settings now in effect (read from the BMC). */
  getSettings(task: Task): Promise<BiosSetting[]>;
  /**
   * Asks for new values. Most firmware applies them at the next boot: `pending` lists what waits for it.
   * A name the firmware does not have is refused (InvalidParameterValue naming it), nothing written.
   */
  applySettings(task: Task, settings: BiosSetting[]): Promise<{ pending: BiosSetting[] }>;
  /** Back to the firmware's defaults (the bios.factory_reset clean step); absent where the BIOS cannot. */
  factoryReset?(task: Task): Promise<void>;
}

export interface BootInterface extends BaseInterface {
  /** False for an interface that boots nothing (fake): no real agent can ever come up through it. */
  readonly bootsAgent?: boolean;
  /**
   * The device the node boots the ramdisk prepared by prepareRamdisk from: pxe when absent (network boot);
   * cdrom for an interface that attaches the ramdisk as virtual media.
   */
  readonly ramdiskBootDevice?: BootDevice;
  /** Make the node network-boot the deploy ramdisk on its next PXE boot. */
  prepareRamdisk(task: Task): Promise<void>;
  cleanUpRamdisk(task: Task): Promise<void>;
  /** Make the node boot the deployed instance (its own disk). */
  prepareInstance(task: Task): Promise<void>;
  cleanUpInstance(task: Task): Promise<void>;
}

/** A deploy step either finished or parks the node in a wait state until a call-back or timeout. */
/**
 * A flow step's outcome: done, or a wait for the agent. A wait says the power state the step left the node
 * in (it powered it on to boot the agent, confirmed by the BMC), so the record needs no second BMC read.
 */
export type StepResult = { done: true } | { wait: true; timeoutSec: number; powerState: PowerState };

/**
 * Out-of-band inspection's outcome: done with what the BMC reported (merged into the node's properties as
 * the agent's inventory is), and the MACs of its NICs (a port is created for each the node lacks, as
 * Ironic's add_ports does). Or a wait, as for in-band inspection.
 */
export type InspectResult = StepResult | { done: true; inventory: Inventory; macs: string[] };

/** One step of a manual clean, as Ironic's API takes it. */
// One step of a manual clean, and what in-band inspection found (merged into the node's properties).
import type { CleanStep } from './generated/clean-step.js';
import type { Inventory } from './generated/inventory.js';
export type { CleanStep, Inventory };

export interface HeartbeatOutcome {
  reply: AgentCommand;
  /**
   * finish: the agent's work is done (deploy: image written and verified, boot the instance; cleaning:
   * disks erased); fail: deploy or cleaning failed with this reason.
   */
  next?: { finish: true; inventory?: Inventory } | { fail: string } | { progress: Record<string, unknown> };
}

export interface DeployInterface extends BaseInterface {
  deploy(task: Task): Promise<StepResult>;
  /**
   * An agent heartbeat while the node waits for it (`wait call-back` or `clean wait`). Must be quick:
   * long work goes in finish() or finishCleaning().
   */
  heartbeat(task: Task, body: AgentHeartbeat): Promise<HeartbeatOutcome>;
  /** After a verified write: boot the node from its disk. */
  finish(task: Task): Promise<void>;
  tearDown(task: Task): Promise<void>;
  /** This manager takes over a node another manager was handling (e.g. after a restart). */
  takeOver(task: Task): Promise<void>;
  /**
   * Cleaning (automated or manual): returns done, or a wait for the agent (the node parks in `clean wait`).
   * A manual clean's steps are in driver_internal_info.clean_steps; automated cleaning has none there.
   */
  clean?(task: Task): Promise<StepResult>;
  /** The steps of this interface a manual clean may ask for (Ironic's clean steps of interface "deploy"). */
  readonly cleanSteps?: readonly string[];
  /** After the agent finished cleaning: power off and remove the ramdisk's boot configuration. */
  finishCleaning?(task: Task): Promise<void>;
  /**
   * Rescue (Ironic's rescue interface, API 1.38): boot the deployed node into a rescue system the user
   * logs into with instance_info.rescue_password. Absent: the deploy interface cannot rescue (400).
   */
  rescue?(task: Task): Promise<void>;
  /** Boot the rescued node back into its instance. */
  unrescue?(task: Task): Promise<void>;
  /** The steps of this interface servicing may ask for (Ironic's service steps of interface "deploy", API 1.87). */
  readonly serviceSteps?: readonly string[];
  /** Runs the service steps in driver_internal_info.service_steps on the deployed node, which stays deployed. */
  service?(task: Task): Promise<void>;
  /**
   * Steps (clean or service) that run without booting the ramdisk, so a request with disable_ramdisk
   * (API 1.70) may name them; every other step needs the agent (Ironic's requires_ramdisk).
   */
  readonly ramdiskFreeSteps?: readonly string[];
}

export interface InspectInterface extends BaseInterface {
  /** Done (out of band), or a wait for the agent (the node parks in `inspect wait`). */
  inspect(task: Task): Promise<InspectResult>;
  /** An agent heartbeat while the node is in `inspect wait`; finish carries the inventory. */
  heartbeat?(task: Task, body: AgentHeartbeat): Promise<HeartbeatOutcome>;
  /** After the agent reported: power off and remove the ramdisk's boot configuration. */
  finishInspection?(task: Task): Promise<void>;
}

export interface VendorMethod {
  http_methods: Array<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'>;
  description: string;
  /** Async methods answer 202 and run in the background. */
  async: boolean;
  /** Runs under the node lock unless false. */
  require_exclusive_lock?: boolean;
  handler(task: Task, httpMethod: string, body: unknown): Promise<unknown>;
}

/** A driver-level vendor method (Ironic's driver_passthru): called for a hardware type, with no node. */
export interface DriverVendorMethod {
  http_methods: Array<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'>;
  description: string;
  /** Async methods answer 202 and run in the background. */
  async: boolean;
  handler(ctx: { log: Logger; settings: ServiceSettings }, httpMethod: string, body: unknown): Promise<unknown>;
}

export interface VendorInterface extends BaseInterface {
  /** Vendor passthru: the engine neither stores nor inspects these messages. */
  readonly methods: Record<string, VendorMethod>;
  /** Driver-level passthru (/v1/drivers/{driver}/vendor_passthru), for the hardware types this is the default of. */
  readonly driverMethods?: Record<string, DriverVendorMethod>;
}

export interface InterfaceByKind {
  power: PowerInterface;
  management: ManagementInterface;
  boot: BootInterface;
  deploy: DeployInterface;
  inspect: InspectInterface;
  vendor: VendorInterface;
}

/** A node's driver: one implementation of each interface, of its hardware type. */
export type NodeDriver = InterfaceByKind & { hardwareType: string };

/** A hardware type: which implementations of each interface it supports, and the default. */
export interface HardwareType {
  name: string;
  description: string;
  interfaces: { [K in InterfaceKind]: { supported: string[]; default: string } };
}

/**
 * What a driver package exports (its package.json names the module under "ironplan": {"drivers": "./x.js"}):
 * a function that registers its interfaces and hardware types.
 */
export interface DriverRegistrar {
  registerInterface<K extends InterfaceKind>(kind: K, impl: InterfaceByKind[K]): void;
  registerHardwareType(type: HardwareType): void;
}
export type DriverModule = { register(registry: DriverRegistrar, options: { log: Logger; settings: ServiceSettings }): void | Promise<void> };
