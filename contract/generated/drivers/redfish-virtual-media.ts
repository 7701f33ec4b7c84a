// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * driver_info for the redfish-virtual-media boot interface: the bootable ISO of the deploy ramdisk the BMC attaches as a virtual CD (Ironic's deploy_iso). The ISO itself (agent, API URL) is built elsewhere; this interface only inserts and ejects it.
 */
export interface RedfishVirtualMediaDriverInfo {
  /**
   * The deploy ISO: an http(s) URL the BMC can fetch, or a file name in the boot root (served under {boot URL}/boot/).
   */
  deploy_iso?: string;
}
