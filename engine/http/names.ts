// Ironic's logical names (api_utils.is_valid_logical_name from 1.10): RFC 3986 unreserved characters.
const LOGICAL_NAME = /^[A-Za-z0-9._~-]{1,255}$/;

export const isLogicalName = (s: string): boolean => LOGICAL_NAME.test(s);
