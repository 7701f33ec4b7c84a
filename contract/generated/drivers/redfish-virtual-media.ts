// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * driver_info for the redfish-virtual-media boot interface: the deploy ramdisk the BMC attaches as a virtual CD. With deploy_kernel and deploy_ramdisk, the manager builds a bootable ISO for the node on each ramdisk boot (the agent's identity, the API URL and a static address from the node's network_data on its command line, so no DHCP is needed); otherwise deploy_iso is a ready-made ISO inserted as is (Ironic's deploy_iso).
 */
export interface RedfishVirtualMediaDriverInfo {
  /**
   * Kernel of the deploy ramdisk: an http(s) URL the manager fetches, or a file name in the boot root.
   */
  deploy_kernel?: string;
  /**
   * initramfs of the deploy ramdisk: an http(s) URL the manager fetches, or a file name in the boot root.
   */
  deploy_ramdisk?: string;
  /**
   * Extra kernel command line for the ramdisk.
   */
  kernel_append_params?: string;
  /**
   * A ready-made deploy ISO, used when deploy_kernel and deploy_ramdisk are not given: an http(s) URL the BMC can fetch, or a file name in the boot root (served under {boot URL}/boot/).
   */
  deploy_iso?: string;
}
