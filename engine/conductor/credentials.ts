// What lets an agent act on its node: the token, whether it was handed out, the boot it belongs to.
// Shared by the transitions (which revoke them when a flow fails) and the agent protocol.
import type { NodeRecord } from '../../contract/generated/node-record.js';

const AGENT_CREDENTIALS = ['agent_secret_token', 'agent_secret_token_retrieved', 'agent_boot_id'] as const;

export function hasAgentCredentials(node: NodeRecord): boolean {
  return AGENT_CREDENTIALS.some((k) => node.driver_internal_info[k] !== undefined);
}

export function withoutAgentCredentials(dii: Record<string, unknown>): Record<string, unknown> {
  const out = { ...dii };
  for (const k of AGENT_CREDENTIALS) delete out[k];
  return out;
}
