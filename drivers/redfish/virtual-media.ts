// The `redfish-virtual-media` boot interface (after Ironic's): the deploy ramdisk's ISO (driver_info
// deploy_iso, built elsewhere) is attached as the BMC's virtual CD and the node boots it once from cdrom
// (ramdiskBootDevice); the instance boots from its disk with the CD ejected. The BMC fetches the ISO itself,
// so a boot-root file is handed to it as its URL under the boot files' HTTP root.
import type { RedfishVirtualMediaDriverInfo } from '../../contract/generated/drivers/redfish-virtual-media.js';
import { confine } from '../../contract/boot-root.js';
import { resolveBootFileUrl } from '../ipxe/boot.js';
import { loadDriverSchema } from '../schema.js';
import { DriverError, type BootInterface, type Task } from '../types.js';
import type { Json } from './client.js';
import { readSystem, type RedfishDeps } from './system.js';

const URL_RE = /^https?:\/\//i;
const FIELD = 'deploy_iso';

export function createRedfishVirtualMediaBoot(deps: RedfishDeps): BootInterface {
  const isoRef = async (task: Task): Promise<string> => {
    const ref = (task.node.driver_info as RedfishVirtualMediaDriverInfo)[FIELD];
    if (typeof ref !== 'string' || ref === '') throw new DriverError('MissingParameterValue', `driver_info.${FIELD} is required by the redfish-virtual-media boot interface`, FIELD);
    if (URL_RE.test(ref)) return ref;
    // The same confinement the HTTP service serves boot files by, so a bad name fails here, not at boot.
    if (ref.startsWith('/') || ref.split('/').includes('..') || !(await confine(task.settings.bootRoot, ref))) {
      throw new DriverError('InvalidParameterValue', `driver_info.${FIELD} must be an http(s) URL or a file name in the boot root ${task.settings.bootRoot}, not ${ref}`, FIELD);
    }
    return resolveBootFileUrl(ref, task.settings);
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

  const eject = async (task: Task): Promise<void> => {
    const { media, conn } = await findCd(task);
    if (!media.Inserted && !media.Image) return;
    const target: string | undefined = media.Actions?.['#VirtualMedia.EjectMedia']?.target;
    if (!target) throw new DriverError('UnsupportedDriverExtension', `BMC ${conn.origin}: virtual media ${media['@odata.id']} has no EjectMedia action`);
    await deps.client.post(conn, target, {}, task.log);
  };

  return {
    name: 'redfish-virtual-media',
    driverInfoSchema: loadDriverSchema('redfish-virtual-media.schema.json'),
    bootsAgent: true,
    ramdiskBootDevice: 'cdrom',

    async validate(task) {
      deps.driverInfo.connectionOf(task);
      await isoRef(task);
    },

    async prepareRamdisk(task) {
      const image = await isoRef(task);
      await eject(task);
      const { media, conn } = await findCd(task);
      const target: string | undefined = media.Actions?.['#VirtualMedia.InsertMedia']?.target;
      if (!target) throw new DriverError('UnsupportedDriverExtension', `BMC ${conn.origin}: virtual media ${media['@odata.id']} has no InsertMedia action`);
      await deps.client.post(conn, target, { Image: image, Inserted: true, WriteProtected: true }, task.log);
    },

    cleanUpRamdisk: eject,
    // The agent deploy sets the disk as boot device itself; the CD must not be left in to boot instead.
    prepareInstance: eject,
    async cleanUpInstance() {},
  };
}
