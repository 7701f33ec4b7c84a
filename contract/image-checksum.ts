// An image's checksum as ironplan writes it (`sha256:<hex>` / `sha512:<hex>`), from where Ironic's
// instance_info may hold it: image_checksum, or Glance's image_os_hash_algo + image_os_hash_value.
export interface ImageChecksumFields {
  image_checksum?: string;
  image_os_hash_algo?: string;
  image_os_hash_value?: string;
}

export function imageChecksumOf(ii: ImageChecksumFields): string | undefined {
  if (ii.image_checksum) return ii.image_checksum;
  if (ii.image_os_hash_algo && ii.image_os_hash_value) return `${ii.image_os_hash_algo.toLowerCase()}:${ii.image_os_hash_value.toLowerCase()}`;
  return undefined;
}
