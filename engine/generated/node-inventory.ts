// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * What the node's last inspection found, kept as Ironic keeps it (API 1.81: GET /v1/nodes/{node}/inventory). inventory uses Ironic's layout as far as ironplan's inspections see: cpu (count, architecture), memory (physical_mb), interfaces (mac_address; out of band); plugin_data holds what has no place there.
 */
export interface NodeInventory {
  inventory: {
    [k: string]: unknown;
  };
  plugin_data: {
    [k: string]: unknown;
  };
}
