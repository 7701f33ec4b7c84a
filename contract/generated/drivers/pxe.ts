// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * driver_info for the ipxe boot interface: the deploy ramdisk the node network-boots.
 */
export interface PxeDriverInfo {
  /**
   * Kernel of the deploy ramdisk: a URL, or a file name in the boot root.
   */
  deploy_kernel?: string;
  /**
   * initramfs of the deploy ramdisk: a URL, or a file name in the boot root.
   */
  deploy_ramdisk?: string;
  /**
   * Extra kernel command line for the ramdisk.
   */
  kernel_append_params?: string;
}
