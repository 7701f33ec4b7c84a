// Identifier shapes Ironic's API checks. Logical names (api_utils.is_valid_logical_name from 1.10): RFC 3986 unreserved characters.
const LOGICAL_NAME = /^[A-Za-z0-9._~-]{1,255}$/;

export const isLogicalName = (s: string): boolean => LOGICAL_NAME.test(s);

/** A MAC address as Ironic's API takes one (utils.is_valid_mac): six colon-separated hex pairs, either case. */
const MAC_ADDRESS = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;

export const isMacAddress = (s: string): boolean => MAC_ADDRESS.test(s);
