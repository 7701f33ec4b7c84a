// The `redfish-virtual-media` boot interface (after Ironic's): the deploy ramdisk is attached as the BMC's
// virtual CD and the node boots it once from cdrom (ramdiskBootDevice). With deploy_kernel/deploy_ramdisk
// the manager builds the node an ISO for each ramdisk boot (ImageService.virtualMediaIso: the agent's
// identity and boot id, the API URL and a static address from the node's network_data, so no DHCP and no
// network boot are needed); a ready-made driver_info.deploy_iso is inserted as is. The CD is ejected (and
// the node's ISO removed) when the ramdisk's work ends, whether it succeeded or not, and before the
// instance boots from its disk. The BMC fetches the ISO itself, from the manager's boot server.
import type { RedfishVirtualMediaDriverInfo } from '../../contract/generated/drivers/redfish-virtual-media.js';
import { agentBootId } from '../agent/protocol.js';
import { checkBootFileRef, resolveBootFileUrl } from '../ipxe/boot.js';
import { deployKernelArgs } from '../ipxe/scripts.js';
import { loadDriverSchema } from '../schema.js';
import { DriverError, type BootInterface, type Task } from '../types.js';
import type { Json } from './client.js';
import { readSystem, type RedfishDeps } from './system.js';

const URL_RE = /^https?:\/\//i;
type RefField = 'deploy_iso' | 'deploy_kernel' | 'deploy_ramdisk';

const infoOf = (task: Task) => task.node.driver_info as RedfishVirtualMediaDriverInfo;

/** An http(s) URL (the BMC or the manager fetches it; no tftp), or a file in the boot root. */
function checkRef(task: Task, field: RefField): Promise<string> {
  return checkBootFileRef(task, field, infoOf(task)[field], { interfaceName: 'redfish-virtual-media', urlPattern: URL_RE, urlKind: 'an http(s) URL' });
}

/** deploy_kernel + deploy_ramdisk (a per-node ISO) when either is given, deploy_iso otherwise. */
const buildsIso = (task: Task): boolean => infoOf(task).deploy_kernel !== undefined || infoOf(task).deploy_ramdisk !== undefined || infoOf(task).deploy_iso === undefined;

/** The NIC the agent looks itself up by (BOOTIF) and whose network_data address it takes. */
function agentMac(task: Task): string {
  const port = task.ports.find((p) => p.pxe_enabled) ?? task.ports[0];
  if (!port) throw new DriverError('MissingParameterValue', `node ${task.node.uuid} has no port: the deploy agent finds its node by a port's MAC`, 'ports');
  return port.address.toLowerCase();
}

export function createRedfishVirtualMediaBoot(deps: RedfishDeps): BootInterface {
  const validateRefs = async (task: Task): Promise<void> => {
    if (!buildsIso(task)) {
      await checkRef(task, 'deploy_iso');
      return;
    }
    await checkRef(task, 'deploy_kernel');
    await checkRef(task, 'deploy_ramdisk');
    agentMac(task);
    if (!task.images) throw new DriverError('UnsupportedDriverExtension', 'no image service runs here to build the virtual-media ISO from deploy_kernel and deploy_ramdisk; give driver_info.deploy_iso instead', 'deploy_kernel');
  };

  /** The URL the BMC is to fetch: this boot's ISO, built for the node, or the ready-made one. */
  const isoUrl = async (task: Task): Promise<string> => {
    await validateRefs(task);
    const info = infoOf(task);
    if (!buildsIso(task)) return URL_RE.test(info.deploy_iso!) ? info.deploy_iso! : resolveBootFileUrl(info.deploy_iso!, task.settings);
    const mac = agentMac(task);
    const kernelArgs = deployKernelArgs({ apiUrl: task.settings.apiUrl, mac, extraArgs: info.kernel_append_params, bootId: agentBootId(task) });
    return task.images!.virtualMediaIso(task, { kernel: info.deploy_kernel!, ramdisk: info.deploy_ramdisk!, kernelArgs, mac });
  };

  /** The virtual CD: the system's own VirtualMedia (newer BMCs) or its manager's, the first taking CD/DVD. */
  const findCd = async (task: Task): Promise<{ media: Json; conn: ReturnType<typeof deps.driverInfo.connectionOf> }> => {
    const { conn, system } = await readSystem(deps, task);
    const get = (path: string) => deps.client.get(conn, path, task.log);
    const collections: string[] = [];
    if (system.VirtualMedia?.['@odata.id']) collections.push(system.VirtualMedia['@odata.id']);
    for (const m of (system.Links?.ManagedBy ?? []) as Json[]) {
      const manager = await get(m['@odata.id']);
      if (manager.VirtualMedia?.['@odata.id']) collections.push(manager.VirtualMedia['@odata.id']);
    }
    for (const path of collections) {
      for (const member of ((await get(path)).Members ?? []) as Json[]) {
        const media = await get(member['@odata.id']);
        if (((media.MediaTypes ?? []) as string[]).some((t) => t === 'CD' || t === 'DVD')) return { media, conn };
      }
    }
    throw new DriverError('UnsupportedDriverExtension', `BMC ${conn.origin} offers no virtual CD for system ${system['@odata.id']}`);
  };

  const action = (media: Json, conn: { origin: string }, name: 'InsertMedia' | 'EjectMedia'): string => {
    const target: string | undefined = media.Actions?.[`#VirtualMedia.${name}`]?.target;
    if (!target) throw new DriverError('UnsupportedDriverExtension', `BMC ${conn.origin}: virtual media ${media['@odata.id']} has no ${name} action`);
    return target;
  };

  /** Ejects what the CD holds; `cd` is findCd's answer when the caller already has it. */
  const eject = async (task: Task, cd?: Awaited<ReturnType<typeof findCd>>): Promise<void> => {
    const { media, conn } = cd ?? (await findCd(task));
    if (!media.Inserted && !media.Image) return;
    await deps.client.post(conn, action(media, conn, 'EjectMedia'), {}, task.log);
  };

  /** The ramdisk's work is over (done or failed): the CD out, the node's ISO (it names the node's agent) gone. */
  const cleanUpRamdisk = async (task: Task): Promise<void> => {
    try {
      await eject(task);
    } finally {
      if (buildsIso(task)) await task.images?.removeVirtualMediaIso(task);
    }
  };

  return {
    name: 'redfish-virtual-media',
    driverInfoSchema: loadDriverSchema('redfish-virtual-media.schema.json'),
    bootsAgent: true,
    ramdiskBootDevice: 'cdrom',

    async validate(task) {
      deps.driverInfo.connectionOf(task);
      await validateRefs(task);
    },

    async prepareRamdisk(task) {
      const image = await isoUrl(task);
      // One walk of the BMC's managers and media finds the CD both to eject and to insert into.
      const cd = await findCd(task);
      await eject(task, cd);
      const { media, conn } = cd;
      try {
        await deps.client.post(conn, action(media, conn, 'InsertMedia'), { Image: image, Inserted: true, WriteProtected: true }, task.log);
      } catch (err) {
        if (!(err instanceof DriverError) || err.code !== 'DriverOperationError') throw err;
        throw new DriverError('DriverOperationError', `virtual media: the BMC did not insert the deploy ISO ${image.replace(/\/[^/]*$/, '/…')}: ${err.message}`);
      }
      task.log.info({ node: task.node.uuid, bmc: conn.origin }, 'redfish-virtual-media: deploy ISO inserted');
    },

    cleanUpRamdisk,
    // The agent deploy sets the disk as boot device itself; the CD must not be left in to boot instead.
    prepareInstance: (task) => eject(task),
    async cleanUpInstance() {},
  };
}
