#!/usr/bin/python3
"""Conformance of an Ironic v1 API, driven by python-ironicclient's Python API (Debian's python3-ironicclient).

Usage: suite.py ENDPOINT [--list] [--only CASE ...]
Prints one JSON line per case: {"case", "ok", "skipped", "detail"}. The same cases pass against a real
OpenStack Ironic 21.4 (fake-hardware, noauth): run it against one to check the suite itself encodes Ironic's
behaviour. A case needing a version the server lacks is reported skipped, with the reason, never passed.
"""
import json
import re
import sys
import traceback
import uuid as uuidlib

from ironicclient import client as ironic_client
from ironicclient import exc

CASES = []


def case(version_needed=1):
    def wrap(fn):
        CASES.append((fn.__name__, version_needed, fn))
        return fn
    return wrap


class Skip(Exception):
    pass


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def refused_406(fn):
    """The server answers 406 at the client's pinned version: the client says NotAcceptable, or, when it
    takes the 406 for a failed negotiation, UnsupportedVersion."""
    try:
        fn()
    except (exc.NotAcceptable, exc.UnsupportedVersion):
        return
    raise AssertionError('accepted; expected 406')


def raises(kind, fn, status, message_re=None):
    """The call fails with `kind` and the HTTP status; its faultstring matches message_re (Ironic's words)."""
    try:
        fn()
    except kind as e:
        code = getattr(e, 'http_status', None) or getattr(e, 'status_code', None)
        check(code == status, f'expected HTTP {status}, got {code}: {e}')
        if message_re:
            text = str(getattr(e, 'message', '') or e)
            check(re.search(message_re, text, re.I), f'faultstring {text!r} does not match {message_re!r}')
        return
    raise AssertionError(f'expected {kind.__name__} ({status})')


class Ctx:
    def __init__(self, endpoint):
        self.endpoint = endpoint
        probe = ironic_client.get_client('1', endpoint=endpoint, os_ironic_api_version='1.1')
        resp, body = probe.http_client.json_request('GET', '/')
        self.max_minor = int(body['default_version']['version'].split('.')[1])
        self.tag = uuidlib.uuid4().hex[:8]

    def client(self, version):
        if isinstance(version, int):
            version = f'1.{version}'
        # max_retries=0: a 409 is an answer to check, not something to wait out.
        return ironic_client.get_client('1', endpoint=self.endpoint, os_ironic_api_version=version, max_retries=0)

    def name(self, what):
        return f'conf-{what}-{self.tag}'

    def mac(self, n):
        return '52:54:00:%02x:%02x:%02x' % (int(self.tag[:2], 16), int(self.tag[2:4], 16), n)


def fake_node(c, **fields):
    return c.node.create(driver='fake-hardware', **fields)


def settle(c, node, state):
    c.node.wait_for_provision_state(node, state, timeout=60, poll_interval=0.2)


def power(c, node, target, **kw):
    """Sets the power state and waits for the change to finish (the API answers 202 before it has)."""
    import time
    c.node.set_power_state(node, target, **kw)
    for _ in range(300):
        got = c.node.get(node)
        if got.target_power_state is None:
            return got.power_state
        time.sleep(0.1)
    raise AssertionError(f'power {target} did not finish')


# ---- versions and negotiation -------------------------------------------------------------------

@case()
def version_latest_negotiates(ctx):
    c = ctx.client('latest')
    c.node.list(limit=1)
    from ironicclient.common.http import LAST_KNOWN_API_VERSION
    want = f'1.{min(ctx.max_minor, LAST_KNOWN_API_VERSION)}'
    check(c.http_client.os_ironic_api_version == want, f'negotiated {c.http_client.os_ironic_api_version}, expected {want}')


@case()
def version_too_new_is_refused(ctx):
    c = ctx.client('1.999')
    try:
        c.node.list(limit=1)
    except (exc.UnsupportedVersion, exc.NotAcceptable):
        return
    raise AssertionError('1.999 was accepted')


# ---- chassis ----------------------------------------------------------------------------------

@case(1)
def chassis_crud_oldest(ctx):
    c = ctx.client(1)
    ch = c.chassis.create(description='conformance', extra={'row': '1'})
    check(ch.description == 'conformance', 'description')
    check(c.chassis.get(ch.uuid).extra == {'row': '1'}, 'extra')
    check(any(x.uuid == ch.uuid for x in c.chassis.list(detail=True)), 'listed')
    up = c.chassis.update(ch.uuid, [{'op': 'replace', 'path': '/description', 'value': 'moved'}])
    check(up.description == 'moved', 'patched')
    node = fake_node(c, chassis_uuid=ch.uuid)
    check(node.chassis_uuid == ch.uuid, 'node names its chassis')
    check([n.uuid for n in c.chassis.list_nodes(ch.uuid)] == [node.uuid], 'nodes of the chassis')
    raises(exc.BadRequest, lambda: c.chassis.delete(ch.uuid), 400, 'contains nodes')
    c.node.delete(node.uuid)
    c.chassis.delete(ch.uuid)
    raises(exc.NotFound, lambda: c.chassis.get(ch.uuid), 404, 'could not be found')


@case(25)
def chassis_unset_on_node(ctx):
    c = ctx.client('latest')
    ch = c.chassis.create()
    node = fake_node(c, chassis_uuid=ch.uuid)
    node = c.node.update(node.uuid, [{'op': 'remove', 'path': '/chassis_uuid'}])
    check(node.chassis_uuid is None, 'chassis removed')
    c.node.delete(node.uuid)
    c.chassis.delete(ch.uuid)


# ---- nodes ------------------------------------------------------------------------------------

@case(1)
def node_oldest_starts_available(ctx):
    c = ctx.client(1)
    node = fake_node(c)
    got = c.node.get(node.uuid)
    # Created available, which below 1.2 reads as Ironic's NOSTATE (null).
    check(got.provision_state is None, f'state {got.provision_state} at 1.1')
    check(ctx.client(2).node.get(node.uuid).provision_state == 'available', 'available at 1.2')
    check(not hasattr(got, 'name'), 'no name below 1.5')
    check(not hasattr(got, 'resource_class'), 'no resource_class below 1.21')
    c.node.delete(node.uuid)


@case(11)
def node_lifecycle_newest(ctx):
    c = ctx.client('latest')
    name = ctx.name('life')
    node = fake_node(c, name=name, resource_class='conf', properties={'cpus': 2})
    check(node.provision_state == 'enroll', node.provision_state)
    check(c.node.get(name).uuid == node.uuid, 'found by name')
    c.node.set_provision_state(name, 'manage')
    settle(c, name, 'manageable')
    c.node.set_provision_state(name, 'provide')
    settle(c, name, 'available')
    c.node.update(name, [{'op': 'replace', 'path': '/deploy_interface', 'value': 'fake'}])
    c.node.set_provision_state(name, 'active')
    settle(c, name, 'active')
    raises(exc.Conflict, lambda: c.node.delete(name), 409, 'provision state "active"')
    c.node.set_provision_state(name, 'deleted')
    settle(c, name, 'available')
    c.node.delete(name)


@case(11)
def node_wrong_state_verb(ctx):
    c = ctx.client('latest')
    node = fake_node(c)
    raises(exc.BadRequest, lambda: c.node.set_provision_state(node.uuid, 'active'), 400,
           r'The requested action "active" can not be performed on node "[^"]+" while it is in state "enroll"')
    c.node.delete(node.uuid)


@case(1)
def node_bad_input(ctx):
    c = ctx.client('latest')
    raises(exc.BadRequest, lambda: c.node.create(driver='no-such-driver'), 400, 'no-such-driver')
    node = fake_node(c)
    raises(exc.BadRequest, lambda: c.node.update(node.uuid, [{'op': 'replace', 'path': '/provision_state', 'value': 'active'}]), 400)
    raises(exc.NotFound, lambda: c.node.get('00000000-0000-0000-0000-000000000000'), 404, 'could not be found')
    c.node.delete(node.uuid)


@case(5)
def node_names_unique(ctx):
    c = ctx.client('latest')
    name = ctx.name('dup')
    node = fake_node(c, name=name)
    raises(exc.Conflict, lambda: fake_node(c, name=name), 409, 'already exists')
    c.node.delete(node.uuid)


@case(1)
def node_patch_and_list(ctx):
    c = ctx.client('latest')
    node = fake_node(c, name=ctx.name('patch'))
    c.node.update(node.uuid, [{'op': 'add', 'path': '/extra/rack', 'value': 'r1'},
                              {'op': 'add', 'path': '/properties/memory_mb', 'value': 4096}])
    got = c.node.get(node.uuid)
    check(got.extra == {'rack': 'r1'} and got.properties.get('memory_mb') == 4096, 'patched')
    listed = c.node.list(driver='fake-hardware', fields=['uuid', 'name'], limit=0)
    check(any(n.uuid == node.uuid for n in listed), 'listed with filter and fields')
    detail = [n for n in c.node.list(detail=True, limit=0) if n.uuid == node.uuid]
    check(detail and detail[0].driver == 'fake-hardware', 'detail')
    c.node.delete(node.uuid)


@case(1)
def node_power_maintenance_boot_device(ctx):
    c = ctx.client('latest')
    node = fake_node(c)
    check(power(c, node.uuid, 'on') == 'power on', 'on')
    check(power(c, node.uuid, 'off') == 'power off', 'off')
    c.node.set_maintenance(node.uuid, True, maint_reason='conformance')
    got = c.node.get(node.uuid)
    check(got.maintenance and got.maintenance_reason == 'conformance', 'maintenance')
    c.node.set_maintenance(node.uuid, False)
    c.node.set_boot_device(node.uuid, 'pxe', persistent=False)
    check(c.node.get_boot_device(node.uuid)['boot_device'] == 'pxe', 'boot device')
    check('pxe' in c.node.get_supported_boot_devices(node.uuid)['supported_boot_devices'], 'supported')
    v = c.node.validate(node.uuid)
    check(v.power['result'] is True, f'validate power {v.power}')
    states = c.node.states(node.uuid)
    check(states.power_state == 'power off', 'states')
    c.node.delete(node.uuid)


@case(27)
def node_soft_power(ctx):
    c = ctx.client('latest')
    node = fake_node(c)
    power(c, node.uuid, 'on')
    check(power(c, node.uuid, 'off', soft=True, timeout=10) == 'power off', 'soft off')
    c.node.delete(node.uuid)
    old = ctx.client(26)
    node = fake_node(old)
    try:
        old.node.set_power_state(node.uuid, 'off', soft=True)
    except (exc.NotAcceptable, ValueError, exc.UnsupportedVersion, exc.CommandError):
        pass
    else:
        raise AssertionError('soft power accepted at 1.26')
    old.node.delete(node.uuid)


@case(37)
def node_traits(ctx):
    c = ctx.client('latest')
    node = fake_node(c)
    c.node.set_traits(node.uuid, ['CUSTOM_A', 'CUSTOM_B'])
    c.node.add_trait(node.uuid, 'CUSTOM_C')
    c.node.remove_trait(node.uuid, 'CUSTOM_A')
    check(sorted(c.node.get_traits(node.uuid)) == ['CUSTOM_B', 'CUSTOM_C'], 'traits')
    raises(exc.BadRequest, lambda: c.node.add_trait(node.uuid, 'lower-case'), 400)
    c.node.remove_all_traits(node.uuid)
    check(c.node.get_traits(node.uuid) == [], 'cleared')
    c.node.delete(node.uuid)


# ---- ports, port groups, VIFs -----------------------------------------------------------------

@case(1)
def port_crud_oldest(ctx):
    c = ctx.client(1)
    node = fake_node(c)
    port = c.port.create(node_uuid=node.uuid, address=ctx.mac(1))
    check(not hasattr(port, 'pxe_enabled'), 'no pxe_enabled below 1.19')
    raises(exc.Conflict, lambda: c.port.create(node_uuid=node.uuid, address=ctx.mac(1)), 409, 'already exists')
    raises(exc.BadRequest, lambda: c.port.create(node_uuid=node.uuid, address='not-a-mac'), 400)
    c.port.update(port.uuid, [{'op': 'add', 'path': '/extra/switch', 'value': 'sw1'}])
    check(c.port.get(port.uuid).extra == {'switch': 'sw1'}, 'patched')
    check([p.uuid for p in c.node.list_ports(node.uuid)] == [port.uuid], 'ports of node')
    c.port.delete(port.uuid)
    c.node.delete(node.uuid)


@case(24)
def portgroup_crud(ctx):
    c = ctx.client('latest')
    node = fake_node(c)
    pg = c.portgroup.create(node_uuid=node.uuid, name=ctx.name('bond'), address=ctx.mac(2), mode='active-backup')
    port = c.port.create(node_uuid=node.uuid, address=ctx.mac(3), portgroup_uuid=pg.uuid, pxe_enabled=True)
    check([p.uuid for p in c.portgroup.list_ports(pg.uuid)] == [port.uuid], 'ports of group')
    check(c.portgroup.get(pg.name).uuid == pg.uuid, 'by name')
    # A group with ports cannot be deleted (Ironic 21.4 on SQLite answers that with a 500; ironplan with its
    # PortgroupNotEmpty 400, tested in test/http/portgroups.test.ts), so the port goes first.
    c.port.delete(port.uuid)
    c.portgroup.delete(pg.uuid)
    c.node.delete(node.uuid)


@case(28)
def vifs(ctx):
    c = ctx.client('latest')
    node = fake_node(c)
    c.port.create(node_uuid=node.uuid, address=ctx.mac(4))
    c.node.vif_attach(node.uuid, 'conf-vif')
    # Ironic's noop network interface records nothing; ironplan records the VIF on the port, as the flat one.
    check([v.id for v in c.node.vif_list(node.uuid)] in ([], ['conf-vif']), 'attached')
    c.node.vif_detach(node.uuid, 'conf-vif')
    check(c.node.vif_list(node.uuid) == [], 'detached')
    for p in c.node.list_ports(node.uuid):
        c.port.delete(p.uuid)
    c.node.delete(node.uuid)


# ---- drivers ----------------------------------------------------------------------------------

@case(1)
def drivers(ctx):
    c = ctx.client('latest')
    names = [d.name for d in c.driver.list()]
    check('fake-hardware' in names, f'drivers {names}')
    d = c.driver.get('fake-hardware')
    check(d.name == 'fake-hardware', 'show')
    check(isinstance(c.driver.properties('fake-hardware'), dict), 'properties')
    raises(exc.NotFound, lambda: c.driver.get('no-such-driver'), 404)


@case(30)
def drivers_detail(ctx):
    c = ctx.client('latest')
    d = [x for x in c.driver.list(detail=True) if x.name == 'fake-hardware'][0]
    check(d.default_power_interface == 'fake', f'default power {d.default_power_interface}')
    check('fake' in d.enabled_deploy_interfaces, 'enabled deploy')


# ---- node fields of 1.42 to 1.78 ----------------------------------------------------------------

def raw(c, method, url, body=None):
    """A request the client library would refuse to send (unknown fields): its answer is the server's."""
    return c.http_client.json_request(method, url, body=body)


def unlocked(c, node, state):
    """Waits for the state and for the node's lock to go (Ironic releases it just after the state is saved)."""
    import time
    settle(c, node, state)
    for _ in range(300):
        if c.node.get(node).reservation is None:
            return
        time.sleep(0.1)
    raise AssertionError(f'node {node} stayed locked')


def available_node(ctx, c, **fields):
    """A fake-hardware node taken to available (fake deploy, so rescue and deploy need no agent), with a
    power state (Ironic allocates only nodes whose power state is known)."""
    node = fake_node(c, deploy_interface='fake', **fields)
    c.node.set_provision_state(node.uuid, 'manage')
    unlocked(c, node.uuid, 'manageable')
    power(c, node.uuid, 'off')
    c.node.set_provision_state(node.uuid, 'provide')
    unlocked(c, node.uuid, 'available')
    return node


def undeploy_and_delete(c, node):
    c.node.set_provision_state(node, 'deleted')
    unlocked(c, node, 'available')
    c.node.delete(node)


def create_raw(c, **fields):
    """POST /v1/nodes with fields this client library does not know how to create with (owner, lessee...)."""
    resp, body = raw(c, 'POST', '/v1/nodes', {'driver': 'fake-hardware', **fields})
    return body


@case(51)
def node_fields_oldest(ctx):
    # Each field at the version that adds it, and refused (406) one version below.
    for minor, field, value in ((51, 'description', 'rack 4, slot 2'), (47, 'automated_clean', False)):
        refused_406(lambda: create_raw(ctx.client(minor - 1), **{field: value}))
        node = create_raw(ctx.client(minor), **{field: value})
        check(getattr(ctx.client(minor).node.get(node['uuid']), field) == value, f'{field} at 1.{minor}')
        check(not hasattr(ctx.client(minor - 1).node.get(node['uuid']), field), f'{field} hidden at 1.{minor - 1}')
        ctx.client(minor).node.delete(node['uuid'])
    # owner (1.50) by PATCH: a noauth Ironic creates nodes as a project-scoped admin of no project, which
    # may not name another owner on create.
    node = fake_node(ctx.client(50))
    owner = [{'op': 'add', 'path': '/owner', 'value': 'proj-a'}]
    refused_406(lambda: ctx.client(49).node.update(node.uuid, owner))
    check(ctx.client(50).node.update(node.uuid, owner).owner == 'proj-a', 'owner at 1.50')
    ctx.client(50).node.delete(node.uuid)
    node = fake_node(ctx.client(42))
    check(ctx.client(42).node.get(node.uuid).fault is None, 'fault at 1.42')
    check(not hasattr(ctx.client(41).node.get(node.uuid), 'fault'), 'no fault at 1.41')
    ctx.client(42).node.delete(node.uuid)


@case(66)
def node_fields_newest(ctx):
    c = ctx.client('latest')
    data = {'links': [], 'networks': [], 'services': []}
    node = c.node.get(create_raw(c, description='conformance', network_data=data)['uuid'])
    got = c.node.update(node.uuid, [{'op': 'add', 'path': '/owner', 'value': 'proj-a'}, {'op': 'add', 'path': '/lessee', 'value': 'proj-b'}])
    check((got.owner, got.lessee, got.description, got.network_data) == ('proj-a', 'proj-b', 'conformance', data), 'fields')
    check(got.protected is False and got.retired is False, 'protected and retired default false')
    check([n.uuid for n in c.node.list(owner='proj-a', limit=0) if n.uuid == node.uuid] == [node.uuid], 'owner filter')
    check([n.uuid for n in c.node.list(lessee='proj-b', limit=0) if n.uuid == node.uuid] == [node.uuid], 'lessee filter')
    # protected only in active (or rescue): 409 in enroll, in Ironic's words.
    raises(exc.Conflict, lambda: c.node.update(node.uuid, [{'op': 'replace', 'path': '/protected', 'value': True}]), 409,
           r"can only be made protected in provision states 'active' or 'rescue'")
    raises(exc.BadRequest, lambda: c.node.update(node.uuid, [{'op': 'add', 'path': '/retired_reason', 'value': 'old'}]), 400,
           'retired_reason field can only be set when retired is True')
    got = c.node.update(node.uuid, [{'op': 'replace', 'path': '/retired', 'value': True},
                                    {'op': 'add', 'path': '/retired_reason', 'value': 'old'}])
    check(got.retired is True and got.retired_reason == 'old', 'retired')
    refused_406(lambda: ctx.client(64).node.update(node.uuid, [{'op': 'add', 'path': '/lessee', 'value': 'x'}]))
    refused_406(lambda: create_raw(ctx.client(65), network_data=data))
    raises(exc.BadRequest, lambda: raw(c, 'POST', '/v1/nodes', {'driver': 'fake-hardware', 'colour': 'red'}), 400, 'colour')
    c.node.delete(node.uuid)


@case(48)
def node_protected(ctx):
    c = ctx.client('latest')
    node = available_node(ctx, c)
    c.node.set_provision_state(node.uuid, 'active')
    unlocked(c, node.uuid, 'active')
    got = c.node.update(node.uuid, [{'op': 'replace', 'path': '/protected', 'value': True},
                                    {'op': 'add', 'path': '/protected_reason', 'value': 'keep'}])
    check(got.protected is True and got.protected_reason == 'keep', 'protected')
    raises(exc.Forbidden, lambda: c.node.set_provision_state(node.uuid, 'deleted'), 403, 'protected')
    got = c.node.update(node.uuid, [{'op': 'replace', 'path': '/protected', 'value': False}])
    check(got.protected_reason is None, 'reason cleared with protected')
    undeploy_and_delete(c, node.uuid)


# ---- rescue ------------------------------------------------------------------------------------

def rescue_cycle(ctx, c):
    node = available_node(ctx, c)
    raises(exc.BadRequest, lambda: c.node.set_provision_state(node.uuid, 'rescue', rescue_password='pw'), 400,
           r'The requested action "rescue" can not be performed on node "[^"]+" while it is in state "available"')
    c.node.set_provision_state(node.uuid, 'active')
    unlocked(c, node.uuid, 'active')
    raises(exc.BadRequest, lambda: raw(c, 'PUT', f'/v1/nodes/{node.uuid}/states/provision', {'target': 'rescue'}), 400, 'rescue_password')
    c.node.set_provision_state(node.uuid, 'rescue', rescue_password='pw')
    unlocked(c, node.uuid, 'rescue')
    check(c.node.get(node.uuid).rescue_interface == 'fake', 'fake rescue interface')
    c.node.set_provision_state(node.uuid, 'unrescue')
    unlocked(c, node.uuid, 'active')
    undeploy_and_delete(c, node.uuid)


@case(38)
def rescue_oldest(ctx):
    rescue_cycle(ctx, ctx.client(38))
    old = ctx.client(37)
    node = fake_node(old)
    refused_406(lambda: raw(old, 'PUT', f'/v1/nodes/{node.uuid}/states/provision', {'target': 'rescue', 'rescue_password': 'pw'}))
    old.node.delete(node.uuid)


@case(38)
def rescue_newest(ctx):
    rescue_cycle(ctx, ctx.client('latest'))


# ---- node history ------------------------------------------------------------------------------

@case(78)
def node_history(ctx):
    c = ctx.client(78)
    node = fake_node(c)
    history = c.node.get_history_list(node.uuid)
    check(isinstance(history, list), f'history {history!r}')
    for entry in history:
        check(c.node.get_history_event(node.uuid, entry['uuid'])['uuid'] == entry['uuid'], 'one entry')
    raises(exc.NotFound, lambda: c.node.get_history_event(node.uuid, '00000000-0000-0000-0000-000000000000'), 404)
    raises(exc.NotFound, lambda: ctx.client(77).node.get_history_list(node.uuid), 404)
    c.node.delete(node.uuid)


# ---- allocations -------------------------------------------------------------------------------

def allocation_cycle(ctx, c, minor, **extra):
    rc = ctx.name(f'rc{minor}')
    node = available_node(ctx, c, resource_class=rc)
    alloc = c.allocation.create(resource_class=rc, **extra)
    alloc = c.allocation.wait(alloc.uuid, timeout=60, poll_interval=0.2)
    check(alloc.state == 'active' and alloc.node_uuid == node.uuid, f'allocation {alloc.state} {alloc.node_uuid} {alloc.last_error}')
    check(c.node.get(node.uuid).allocation_uuid == alloc.uuid, 'node names its allocation')
    check([a.uuid for a in c.allocation.list(resource_class=rc)] == [alloc.uuid], 'listed by resource class')
    check(c.allocation.get(alloc.uuid).resource_class == rc, 'shown')
    c.allocation.delete(alloc.uuid)
    raises(exc.NotFound, lambda: c.allocation.get(alloc.uuid), 404, 'could not be found')
    check(c.node.get(node.uuid).allocation_uuid is None, 'node freed')
    c.node.delete(node.uuid)
    return alloc


@case(52)
def allocations_oldest(ctx):
    c = ctx.client(52)
    allocation_cycle(ctx, c, 52)
    raises(exc.NotFound, lambda: ctx.client(51).allocation.list(), 404)
    # No available node of the class: the allocation fails, in Ironic's words.
    alloc = c.allocation.create(resource_class=ctx.name('none'))
    try:
        c.allocation.wait(alloc.uuid, timeout=60, poll_interval=0.2)
    except exc.StateTransitionFailed:
        pass
    got = c.allocation.get(alloc.uuid)
    check(got.state == 'error' and re.search('no available nodes match the resource class', got.last_error or ''), f'{got.state}: {got.last_error}')
    c.allocation.delete(alloc.uuid)


@case(60)
def allocations_newest(ctx):
    c = ctx.client('latest')
    name = ctx.name('alloc')
    alloc = allocation_cycle(ctx, c, 60, name=name, extra={'k': 'v'})
    check(alloc.name == name and alloc.owner is None and alloc.extra == {'k': 'v'}, 'name, owner, extra')
    raises(exc.BadRequest, lambda: raw(c, 'POST', '/v1/allocations', {'resource_class': 'x', 'colour': 'red'}), 400, 'colour')
    refused_406(lambda: raw(ctx.client(59), 'POST', '/v1/allocations', {'resource_class': 'x', 'owner': 'p'}))


# ---- deploy templates --------------------------------------------------------------------------

STEP = {'interface': 'deploy', 'step': 'conformance_step', 'args': {}, 'priority': 10}


def template_cycle(c, name):
    t = c.deploy_template.create(name=name, steps=[STEP])
    check(t.name == name and t.steps == [STEP], f'created {t.steps}')
    check(name in [x.name for x in c.deploy_template.list()], 'listed')
    check(c.deploy_template.get(name).uuid == t.uuid, 'by name')
    t = c.deploy_template.update(t.uuid, [{'op': 'add', 'path': '/extra/k', 'value': 'v'}])
    check(t.extra == {'k': 'v'}, 'patched')
    raises(exc.Conflict, lambda: c.deploy_template.create(name=name, steps=[STEP]), 409, 'already exists')
    c.deploy_template.delete(t.uuid)
    raises(exc.NotFound, lambda: c.deploy_template.get(t.uuid), 404, 'could not be found')


@case(55)
def deploy_templates_oldest(ctx):
    c = ctx.client(55)
    template_cycle(c, 'CUSTOM_CONF_OLD_' + ctx.tag.upper())
    raises(exc.NotFound, lambda: ctx.client(54).deploy_template.list(), 404)


@case(55)
def deploy_templates_newest(ctx):
    c = ctx.client('latest')
    template_cycle(c, 'CUSTOM_CONF_NEW_' + ctx.tag.upper())
    # Both name the pattern a custom trait must match (Ironic's jsonschema message also repeats the name).
    raises(exc.BadRequest, lambda: c.deploy_template.create(name='not-custom', steps=[STEP]), 400, r"\^CUSTOM_\[A-Z0-9_\]\+\$")
    raises(exc.BadRequest, lambda: c.deploy_template.create(name='CUSTOM_CONF_EMPTY', steps=[]), 400)


# ---- conductors and BIOS -----------------------------------------------------------------------

@case(49)
def conductors(ctx):
    for version in (49, 'latest'):
        c = ctx.client(version)
        found = c.conductor.list(detail=True)
        check(found and all(x.alive for x in found), f'conductors {found}')
        one = c.conductor.get(found[0].hostname)
        check(one.hostname == found[0].hostname and 'fake-hardware' in one.drivers, f'conductor {one.drivers}')
        raises(exc.NotFound, lambda: c.conductor.get('no-such-conductor'), 404, 'could not be found')
        node = fake_node(c)
        check(c.node.get(node.uuid).conductor in [x.hostname for x in found], 'node names its conductor')
        c.node.delete(node.uuid)


@case(40)
def bios_settings(ctx):
    c = ctx.client(40)
    node = fake_node(c)
    check(c.node.list_bios_settings(node.uuid) == [], 'no BIOS settings cached')
    raises(exc.NotFound, lambda: c.node.get_bios_setting(node.uuid, 'ProcVirtualization'), 404)
    raises(exc.NotFound, lambda: ctx.client(39).node.list_bios_settings(node.uuid), 404)
    if ctx.max_minor >= 74:
        check(ctx.client(74).node.list_bios_settings(node.uuid, detail=True) == [], 'with the registry')
    raises(exc.BadRequest, lambda: raw(ctx.client(73), 'GET', f'/v1/nodes/{node.uuid}/bios?detail=True'), 400,
           r'Invalid query parameter \?detail=True received')
    c.node.delete(node.uuid)


def main():
    args = sys.argv[1:]
    if '--list' in args:
        for name, _, _ in CASES:
            print(name)
        return
    endpoint = args[0]
    only = set(args[args.index('--only') + 1:]) if '--only' in args else None
    ctx = Ctx(endpoint)
    for name, needed, fn in CASES:
        if only and name not in only:
            continue
        if needed > ctx.max_minor:
            print(json.dumps({'case': name, 'ok': False, 'skipped': True, 'detail': f'needs API 1.{needed}; the server has 1.{ctx.max_minor}'}), flush=True)
            continue
        try:
            fn(ctx)
            print(json.dumps({'case': name, 'ok': True, 'skipped': False, 'detail': ''}), flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is a report line
            detail = f'{type(e).__name__}: {e}\n' + ''.join(traceback.format_exc().splitlines(True)[-6:])
            print(json.dumps({'case': name, 'ok': False, 'skipped': False, 'detail': detail}), flush=True)


if __name__ == '__main__':
    main()
