// The provider's Terraform schemas: each resource is its spec schema, derived (derive.ts), plus the
// computed attributes that report what ironplan observes and the few documented additions below.
import type { Attr, Block, NestedBlock } from './cty.js';
import { deriveAttributes, derivedType } from './derive.js';
import { ALLOCATION_SPEC, DEPLOYMENT_SPEC, NODE_RECORD, NODE_SPEC, PORT_SPEC, resolve } from './spec-schemas.js';

const computed = (name: string, description: string, type: Attr['type'] = 'string'): Attr => ({ name, type, computed: true, description });

export const timeoutsBlock: NestedBlock = {
  typeName: 'timeouts',
  nesting: 'single',
  block: {
    description: 'How long create, update and delete may take (Go durations such as "30m").',
    attributes: ['create', 'update', 'delete'].map((name) => ({ name, type: 'string', optional: true })),
  },
};

/**
 * Attributes a resource has beyond its spec, by name: what the provider adds and why. The schema test
 * checks that every other attribute is a spec property with its derived type.
 */
export const ADDED: Record<string, Record<string, string>> = {
  ironplan_node: {
    id: 'the node uuid',
    driver_secrets: 'secret driver_info fields (writeOnly in the driver schemas), kept out of plans (deprecated: stored in state)',
    driver_secrets_wo: 'the same secrets write-only (terraform >= 1.11): sent to the service, never stored in state',
    driver_secrets_wo_version: 'when it changes, the write-only secrets are sent again (rotation)',
    current_provision_state: 'observed provision state',
    current_power_state: 'observed power state',
    last_error: 'the last failure ironplan recorded',
  },
  ironplan_deployment: {
    id: 'the instance uuid the node is claimed with',
    node_uuid: 'the node deployed to',
    provision_state: "the node's provision state",
    deployed_at: 'when the image last became active',
    last_error: 'the last failure ironplan recorded',
    configdrive_sha256: 'the digest ironplan recorded of the config drive: user data compared without being shown (import, drift)',
  },
  ironplan_port: { id: 'the port uuid', node_uuid: 'the node the port belongs to' },
  ironplan_allocation: {
    id: 'the allocation uuid',
    node_id: 'the node the service picked',
    state: "the allocation's state (active once it holds a node)",
    last_error: 'why the service found no node',
  },
};

/** Server-chosen values a user may also set: the plan keeps the prior value (unknown on create). */
function serverDefaulted(a: Attr): Attr {
  const inner = a.nested ? { ...a.nested, attributes: a.nested.attributes.map((x) => ({ ...x, optional: true, required: false, computed: true })) } : undefined;
  return { ...a, computed: true, nested: inner };
}

export function nodeBlock(): Block {
  const spec = deriveAttributes(NODE_SPEC).map((a) => {
    if (a.name === 'interfaces') return serverDefaulted(a);
    if (a.name === 'driver_info') return { ...a, description: `${a.description} Values are strings, converted to the driver schema's types. Secret fields (e.g. ipmi_password) go in driver_secrets_wo (or the deprecated driver_secrets).` };
    if (a.name === 'properties' || a.name === 'extra') return { ...a, description: `${a.description ?? 'Free-form data.'} Values are strings (numbers where the schema declares them are converted).` };
    return a;
  });
  return {
    description: 'A bare-metal node enrolled in ironplan: how to reach its BMC, its ports, and the state to keep it in.',
    attributes: [
      computed('id', 'The node UUID.'),
      ...spec,
      {
        name: 'driver_secrets',
        type: ['map', 'string'],
        optional: true,
        sensitive: true,
        description:
          'Deprecated: use driver_secrets_wo, which keeps secrets out of the state. Secret driver_info fields (those the driver schemas mark writeOnly, e.g. ipmi_password). Sensitive: hidden in plans, but stored in clear text in the state file; ironplan never shows them back, so drift in them is not detected.',
      },
      {
        name: 'driver_secrets_wo',
        type: ['map', 'string'],
        optional: true,
        sensitive: true,
        writeOnly: true,
        description:
          'Secret driver_info fields (those the driver schemas mark writeOnly, e.g. ipmi_password), write-only (terraform >= 1.11): sent to ironplan on create, and on update only when driver_secrets_wo_version changes; never stored in the state or shown in plans. Change driver_secrets_wo_version to rotate them.',
      },
      {
        name: 'driver_secrets_wo_version',
        type: 'number',
        optional: true,
        description: 'Any number; changing it sends driver_secrets_wo to ironplan again (terraform cannot see write-only values change). Bump it whenever the secrets change.',
      },
      computed('current_provision_state', 'The provision state ironplan reports now (e.g. active while a deployment holds the node).'),
      computed('current_power_state', 'The power state the BMC last reported.'),
      computed('last_error', 'The last error ironplan recorded for the node.'),
    ],
    blocks: [timeoutsBlock],
  };
}

export function deploymentBlock(): Block {
  const spec = deriveAttributes(DEPLOYMENT_SPEC);
  return {
    description: "An image deployed to a node, chosen by name/uuid or by node_selector. Changing the image or user data rebuilds the node in place; changing the node or selector replaces the deployment.",
    attributes: [
      computed('id', 'The instance UUID the node is claimed with.'),
      // User data often carries keys and passwords: hidden in plans and CLI output, as driver secrets are.
      ...spec.map((a) => (a.name === 'user_data' || a.name === 'meta_data' ? { ...a, sensitive: true } : a)),
      computed('node_uuid', 'The node the deployment runs on.'),
      computed('provision_state', "The node's provision state."),
      computed('deployed_at', 'When the image last became active.'),
      computed('last_error', 'The last error ironplan recorded for the node.'),
      computed(
        'configdrive_sha256',
        'The digest ("sha256:<hex>") ironplan recorded of the config drive (user_data and meta_data) the node was last deployed with. ironplan never shows user data back; this digest is how an import, or a refresh, tells whether the configured user data is what runs.',
      ),
    ],
    blocks: [timeoutsBlock],
  };
}

export function portBlock(): Block {
  return {
    description: 'One network port of a node, for ports managed apart from ironplan_node (do not list the same MAC in both).',
    attributes: [
      computed('id', 'The port UUID.'),
      { name: 'node_uuid', type: 'string', required: true, description: 'The node the port belongs to.' },
      ...deriveAttributes(PORT_SPEC),
    ],
  };
}

export function allocationBlock(): Block {
  // uuid is the service's choice unless given: the plan keeps it unknown until the allocation exists.
  const spec = deriveAttributes(ALLOCATION_SPEC).map((a) => (a.name === 'uuid' ? serverDefaulted(a) : a));
  return {
    description: 'A node the service picks and holds: an available node of resource_class with every trait (among candidate_nodes, if given). Changing name or extra updates it in place; any other change asks for a new one.',
    attributes: [
      computed('id', 'The allocation UUID.'),
      ...spec,
      computed('node_id', 'The UUID of the node the service picked.'),
      computed('state', 'The allocation state: active once it holds a node.'),
      computed('last_error', 'Why the service found no node, if it did not.'),
    ],
    blocks: [timeoutsBlock],
  };
}

/** The node data source: the resource's attributes, all computed, looked up by id or name. */
export function nodeDataBlock(): Block {
  const res = nodeBlock();
  const asComputed = (a: Attr): Attr => ({
    ...a,
    required: false,
    optional: a.name === 'id' || a.name === 'name',
    computed: true,
    default: undefined,
    nested: a.nested ? { ...a.nested, attributes: a.nested.attributes.map((x) => ({ ...asComputed(x), optional: false })) } : undefined,
  });
  return {
    description: 'Looks up one node by id (uuid) or name.',
    attributes: res.attributes.filter((a) => !a.name.startsWith('driver_secrets')).map(asComputed),
  };
}

/** The node record's fields each ironplan_nodes entry shows ([record field, attribute name]). */
export const NODES_ENTRY_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['uuid', 'id'],
  ['name', 'name'],
  ['provision_state', 'provision_state'],
  ['power_state', 'power_state'],
  ['resource_class', 'resource_class'],
  ['maintenance', 'maintenance'],
  ['instance_uuid', 'instance_uuid'],
  ['traits', 'traits'],
];

/** A computed attribute with the type and description node-record.schema.json gives the field. */
function recordAttr(field: string, as: string): Attr {
  const prop = NODE_RECORD.properties?.[field];
  if (!prop) throw new Error(`node-record.schema.json has no property ${field}`);
  return { name: as, ...derivedType(prop), computed: true, description: resolve(prop).description };
}

export function nodesDataBlock(): Block {
  return {
    description: 'Lists nodes matching every given filter.',
    attributes: [
      { name: 'resource_class', type: 'string', optional: true },
      { name: 'provision_state', type: 'string', optional: true },
      { name: 'driver', type: 'string', optional: true },
      { name: 'maintenance', type: 'bool', optional: true },
      { name: 'associated', type: 'bool', optional: true, description: 'true: only nodes a deployment holds; false: only free ones.' },
      { name: 'traits', type: ['set', 'string'], optional: true, description: 'Only nodes having every one of these traits.' },
      { name: 'ids', type: ['list', 'string'], computed: true },
      {
        name: 'nodes',
        computed: true,
        nested: {
          nesting: 'list',
          attributes: NODES_ENTRY_FIELDS.map(([field, as]) => recordAttr(field, as)),
        },
      },
    ],
  };
}

export function providerBlock(): Block {
  return {
    description: 'ironplan: declarative bare-metal provisioning through its Ironic-compatible v1 API.',
    attributes: [
      { name: 'endpoint', type: 'string', optional: true, description: 'Base URL of the ironplan service (default http://127.0.0.1:6385, or IRONPLAN_ENDPOINT).' },
      { name: 'token', type: 'string', optional: true, sensitive: true, description: 'Bearer token (or IRONPLAN_TOKEN).' },
      { name: 'request_timeout', type: 'string', optional: true, description: 'Limit for one HTTP request, e.g. "30s" (default 60s).' },
    ],
  };
}
