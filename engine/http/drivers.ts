// Ironic v1 drivers: ironplan's hardware types (all "dynamic", in Ironic's terms), their interfaces, the
// driver_info fields their default interfaces read, driver-level vendor passthru (through a manager that
// has the type) and the RAID logical disk properties.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HardwareType, InterfaceKind } from '../../contract/types.js';
import { EngineError } from '../errors.js';
import { baseUrl, boolParam, identParam, param, type HttpContext } from './context.js';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import { NOOP_INTERFACES, links, parseFields, pick, rescueInterface } from './repr.js';
import { checkQuery, requireVersion } from './version.js';
import { loadSchema } from '../validation.js';
import { fieldSetAt } from './versions-table.js';

/** A hardware type as version `v` shows it: the interfaces only with detail and from 1.30 (the versions table). */
function driverView(t: HardwareType, hosts: string[], v: number, base: string, detail: boolean): Record<string, unknown> {
  const full: Record<string, unknown> = { name: t.name, hosts, type: 'dynamic' };
  if (detail) {
    const kinds = Object.keys(t.interfaces).sort() as InterfaceKind[];
    for (const k of kinds) full[`default_${k}_interface`] = t.interfaces[k].default;
    for (const k of kinds) full[`enabled_${k}_interfaces`] = t.interfaces[k].supported;
    for (const [field, value] of Object.entries(NOOP_INTERFACES)) {
      const kind = field.replace('_interface', '');
      full[`default_${kind}_interface`] = value;
      full[`enabled_${kind}_interfaces`] = [value];
    }
    // The rescue interface follows the deploy interface (repr.ts rescueInterface).
    full.default_rescue_interface = rescueInterface({ interfaces: { deploy: t.interfaces.deploy.default } as NodeRecord['interfaces'] });
    full.enabled_rescue_interfaces = [...new Set(t.interfaces.deploy.supported.map((deploy) => rescueInterface({ interfaces: { deploy } as NodeRecord['interfaces'] })))].sort();
  }
  full.links = links(base, `drivers/${t.name}`);
  full.properties = links(base, `drivers/${t.name}/properties`);
  const allowed = fieldSetAt('driver', v);
  return Object.fromEntries(Object.entries(full).filter(([k]) => allowed.has(k)));
}

export function registerDriverRoutes(app: FastifyInstance, ctx: HttpContext): void {
  // The drivers the managers registered (Ironic: conductor_hardware_interfaces), not code loaded here.
  const registry = ctx.engine.catalog;
  const tags = ['drivers'];
  const find = (req: FastifyRequest) => {
    const name = identParam(req, 'name');
    const t = registry.hardwareTypes().find((x) => x.name === name);
    if (!t) throw new EngineError('NotFound', `Could not find the following driver(s) or hardware type(s): ${name}.`);
    return t;
  };

  app.get('/v1/drivers', { schema: { summary: 'Hardware types (?type=dynamic|classic, ?detail=true)', tags } }, async (req) => {
    checkQuery(req, 'drivers');
    const type = param(req, 'type');
    if (type !== undefined && type !== 'classic' && type !== 'dynamic') throw new EngineError('InvalidParameter', `type: "${type}" is not one of classic, dynamic`, 'type');
    const fields = parseFields(param(req, 'fields'), 'driver', req.apiVersion);
    const detail = boolParam(req, 'detail') === true || fields !== undefined;
    const types = type === 'classic' ? [] : registry.hardwareTypes();
    const base = baseUrl(req);
    const views = types.sort((a, b) => a.name.localeCompare(b.name)).map((t) => driverView(t, registry.hosts(t.name), req.apiVersion, base, detail));
    return { drivers: fields ? views.map((d) => pick(d, fields)) : views };
  });

  app.get('/v1/drivers/:name', { schema: { summary: 'One hardware type and its interfaces', tags } }, async (req) => {
    const fields = parseFields(param(req, 'fields'), 'driver', req.apiVersion);
    const t = find(req);
    const view = driverView(t, registry.hosts(t.name), req.apiVersion, baseUrl(req), true);
    return fields ? pick(view, fields) : view;
  });

  app.get('/v1/drivers/:name/properties', { schema: { summary: 'driver_info fields of the default interfaces', tags } }, async (req) => {
    const t = find(req);
    const schema = registry.driverInfoSchema(registry.resolveInterfaces(t.name, {}));
    const required = new Set(schema.required);
    return Object.fromEntries(
      Object.entries(schema.properties)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, s]) => [k, `${String(s.description ?? k).replace(/\.?$/, '.')} ${required.has(k) ? 'Required.' : 'Optional.'}`]),
    );
  });

  app.get('/v1/drivers/:name/vendor_passthru/methods', { schema: { summary: "The hardware type's driver-level vendor passthru methods", tags } }, async (req) => {
    const methods = await ctx.engine.manager.driverVendorMethods(find(req).name);
    return Object.fromEntries(Object.entries(methods).map(([k, m]) => [k, { async: m.async, attach: false, description: m.description, http_methods: m.http_methods }]));
  });

  const passthru = async (req: FastifyRequest, reply: FastifyReply) => {
    const method = (req.params as { method?: string }).method ?? param(req, 'method');
    if (!method) throw new EngineError('InvalidParameter', 'method: is required (?method=name)', 'method');
    const res = await ctx.engine.manager.driverVendorPassthru(find(req).name, method, req.method, req.body ?? null);
    if (res.async) return reply.code(202).send();
    return reply.code(200).type('application/json').send(JSON.stringify(res.result ?? null));
  };
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/v1/drivers/:name/vendor_passthru',
    schema: { summary: 'Call a driver-level vendor passthru method (?method=name); ironplan neither stores nor inspects the messages', tags },
    handler: passthru,
  });
  // The path form is what python-ironicclient sends; Ironic routes both.
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/v1/drivers/:name/vendor_passthru/:method',
    schema: { summary: 'Call a driver-level vendor passthru method; ironplan neither stores nor inspects the messages', tags },
    handler: passthru,
  });

  // What a logical disk of a target RAID configuration may say (Ironic's RAID config schema). ironplan's
  // raid interface is no-raid: nothing applies one yet, but a client may read what it would accept.
  app.get('/v1/drivers/:name/raid/logical_disk_properties', { schema: { summary: 'Properties a logical disk of a target RAID configuration may have', tags } }, async (req) => {
    requireVersion(req, 'endpoint', 'v1', '/v1/drivers/{driver}/raid/logical_disk_properties', 'RAID logical disk properties');
    find(req);
    const disk = (loadSchema('raid-config.schema.json') as { definitions: { LogicalDisk: { properties: Record<string, { description: string }> } } }).definitions.LogicalDisk;
    return Object.fromEntries(Object.entries(disk.properties).map(([k, p]) => [k, p.description]));
  });
}
