// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * One BIOS setting of a node as the manager cached it (Ironic's bios_settings, API 1.40; the registry fields are those of API 1.74, null where the BMC gave none). The value is text, as Ironic stores it.
 */
export interface BiosSettingRecord {
  /**
   * A lower-case RFC 4122 UUID.
   */
  node_uuid: string;
  name: string;
  value: string | null;
  /**
   * Enumeration, String, Integer, Boolean or Password (Redfish's attribute registry).
   */
  attribute_type: string | null;
  allowable_values: string[] | null;
  lower_bound: number | null;
  upper_bound: number | null;
  min_length: number | null;
  max_length: number | null;
  read_only: boolean | null;
  reset_required: boolean | null;
  unique: boolean | null;
  created_at: string;
  updated_at: string | null;
}
