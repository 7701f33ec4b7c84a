// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * Common-tier output: the PCI devices of a node. Any driver that offers it returns exactly this shape.
 */
export interface PciDeviceList {
  pci_devices: {
    address: string;
    vendor_id: string;
    product_id: string;
    class: string;
    description?: string;
  }[];
}
