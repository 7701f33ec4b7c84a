// Route schemas of the Ironic v1 bodies. They describe Ironic's API (which has no file under schemas/)
// and reuse the shared definitions by $ref wherever ironplan's own shapes apply; handlers still check
// field by field so that errors read as Ironic's do.
import { NOOP_INTERFACES, OWN_KINDS } from './repr.js';

const ref = (id: string) => ({ $ref: id });
const dict = { type: 'object', additionalProperties: true };
const nullableString = { type: ['string', 'null'] };

const interfaceFields = Object.fromEntries(
  [...OWN_KINDS.map((k) => `${k}_interface`), ...Object.keys(NOOP_INTERFACES)].map((f) => [f, nullableString]),
);

export const nodeSchemas = {
  listQuery: {
    type: 'object',
    properties: Object.fromEntries(
      ['fields', 'limit', 'marker', 'sort_key', 'sort_dir', 'provision_state', 'driver', 'resource_class', 'maintenance', 'associated', 'instance_uuid', 'chassis_uuid', 'detail'].map((k) => [k, { type: 'string' }]),
    ),
  },
  create: {
    type: 'object',
    required: ['driver'],
    additionalProperties: true,
    properties: {
      uuid: ref('common.schema.json#/definitions/Uuid'),
      name: nullableString,
      driver: { type: 'string', description: 'Hardware type, e.g. fake-hardware or ipmi.' },
      driver_info: dict,
      properties: dict,
      extra: dict,
      instance_info: dict,
      resource_class: nullableString,
      chassis_uuid: nullableString,
      traits: { type: 'array', items: ref('common.schema.json#/definitions/Trait') },
      ...interfaceFields,
    },
  },
  patch: {
    type: 'array',
    description: 'RFC 6902 JSON Patch applied to the node as the API shows it.',
    items: {
      type: 'object',
      required: ['op', 'path'],
      properties: { op: { type: 'string', enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] }, path: { type: 'string' }, from: { type: 'string' }, value: {} },
    },
  },
  power: { type: 'object', required: ['target'], properties: { target: { type: 'string', enum: ['power on', 'power off', 'rebooting', 'reboot', 'soft power off', 'soft rebooting'] }, timeout: { type: 'integer' } } },
  provision: {
    type: 'object',
    required: ['target'],
    properties: {
      target: { type: 'string' },
      configdrive: { type: ['string', 'object', 'null'] },
      disable_ramdisk: { type: 'boolean', description: 'clean/service (1.70): run only steps that need no ramdisk.' },
      service_steps: { type: 'array', description: 'service (1.87): the steps to run on the deployed node.', items: { $ref: 'clean-step.schema.json' } },
      deploy_steps: { type: 'array', description: 'active/rebuild (1.69): optional deploy steps; none are offered, so only [].' },
      rescue_password: { type: 'string', description: 'rescue only: the password of the rescue system (kept masked in instance_info while rescued).' },
      clean_steps: {
        type: 'array',
        description: 'Manual cleaning: the steps to run, e.g. [{"interface": "deploy", "step": "erase_devices_metadata"}].',
        items: { $ref: 'clean-step.schema.json' },
      },
    },
  },
  bootDevice: { type: 'object', required: ['boot_device'], properties: { boot_device: { type: 'string' }, persistent: { type: 'boolean' } } },
  maintenance: { description: 'Optional {"reason": string}.', properties: { reason: nullableString } },
  traits: { type: 'object', required: ['traits'], properties: { traits: { type: 'array', items: { type: 'string' } } } },
};

export const portSchemas = {
  create: {
    type: 'object',
    required: ['address'],
    additionalProperties: true,
    properties: {
      uuid: ref('common.schema.json#/definitions/Uuid'),
      address: ref('common.schema.json#/definitions/MacAddress'),
      node_uuid: { type: 'string' },
      pxe_enabled: { type: 'boolean' },
      extra: dict,
    },
  },
};

export const chassisSchemas = {
  create: {
    type: 'object',
    additionalProperties: true,
    properties: {
      uuid: ref('common.schema.json#/definitions/Uuid'),
      description: { type: ['string', 'null'], maxLength: 255 },
      extra: dict,
    },
  },
};

export const agentSchemas = {
  heartbeat: ref('agent-heartbeat.schema.json'),
};
