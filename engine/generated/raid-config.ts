// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * A target RAID configuration, as Ironic's drivers/raid_config_schema.json (21.4) gives it: GET /v1/drivers/{driver}/raid/logical_disk_properties lists its logical disk properties with their descriptions.
 */
export interface RaidConfig {
  /**
   * @minItems 1
   */
  logical_disks: [LogicalDisk, ...LogicalDisk[]];
}
export interface LogicalDisk {
  /**
   * RAID level for the logical disk. Valid values are 'JBOD', '0', '1', '2', '5', '6', '1+0', '5+0' and '6+0'. Required.
   */
  raid_level: 'JBOD' | '0' | '1' | '2' | '5' | '6' | '1+0' | '5+0' | '6+0';
  /**
   * Size in GiB (Integer) for the logical disk. Use 'MAX' as size_gb if this logical disk is supposed to use the rest of the space available. Required.
   */
  size_gb: number | 'MAX';
  /**
   * Name of the volume to be created. If this is not specified, it will be auto-generated. Optional.
   */
  volume_name?: string;
  /**
   * Specifies whether this disk is a root volume. By default, this is False. Optional.
   */
  is_root_volume?: boolean;
  /**
   * Specifies whether other logical disks can share physical disks with this logical disk. By default, this is False. Optional.
   */
  share_physical_disks?: boolean;
  /**
   * The type of disk preferred. Valid values are 'hdd' and 'ssd'. If this is not specified, disk type will not be a selection criterion for choosing backing physical disks. Optional.
   */
  disk_type?: 'hdd' | 'ssd';
  /**
   * The interface type of disk. Valid values are 'sata', 'scsi' and 'sas'. If this is not specified, interface type will not be a selection criterion for choosing backing physical disks. Optional.
   */
  interface_type?: 'sata' | 'scsi' | 'sas';
  /**
   * Number of physical disks to use for this logical disk. By default, the driver uses the minimum number of disks required for that RAID level. Optional.
   */
  number_of_physical_disks?: number;
  /**
   * Controller to use for this logical disk. If not specified, the driver will choose a suitable RAID controller on the bare metal node. Optional.
   */
  controller?: string;
  /**
   * The physical disks to use for this logical disk. If not specified, the driver will choose suitable physical disks to use. Optional.
   */
  physical_disks?: string[] | [{}, {}, ...{}[]];
}
