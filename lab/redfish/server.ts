// The lab's Redfish BMC (what sushy-tools' emulator is for libvirt): an HTTPS server on 127.0.0.1 with
// a self-signed certificate, basic and session auth, and the resources of resources.ts acting on a
// Machine (in memory, or a QEMU VM). Tests reach in through its controls: expire the sessions, fail the
// next requests, count what the driver sent.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer as createHttps } from 'node:https';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { selfSignedCert, type SelfSigned } from './cert.js';
import { FakeMachine, RESET_TYPES, type BootTarget, type Machine, type ResetType } from './machine.js';
import { withProfile, type BmcProfile } from './profile.js';
import { documents, etagOf, pathsOf, redfishError, type BmcState, type Json, type Paths } from './resources.js';

export interface RedfishBmcOptions {
  username?: string;
  password?: string;
  machine?: Machine;
  profile?: Partial<BmcProfile>;
  /** Plain HTTP instead of HTTPS (the driver accepts http:// addresses). */
  http?: boolean;
  /** A session unused this long is forgotten (401 on its next use). */
  sessionIdleMs?: number;
  port?: number;
}

export interface RedfishBmc {
  /** https://127.0.0.1:PORT */
  url: string;
  /** host:port, what driver_info.redfish_address takes. */
  address: string;
  /** PEM of the self-signed certificate (for redfish_verify_ca as a CA bundle). */
  cert?: string;
  profile: BmcProfile;
  paths: Paths;
  machine: Machine;
  state: BmcState;
  stats: { requests: number; logins: number; byRoute: Map<string, number> };
  /** Forgets every session, as a BMC does after a restart or a timeout. */
  expireSessions(): void;
  openSessions(): number;
  /** The next `count` requests (logins included) answer `status` (a BMC busy or failing). */
  failNext(count: number, status?: number): void;
  /** Delays every answer (a slow BMC). */
  setLatency(ms: number): void;
  /**
   * Every request of `route` ("POST /redfish/v1/...") answers `status` with `message` as the BMC's
   * @Message.ExtendedInfo (a BMC refusing one action), until called again with null.
   */
  refuse(route: string, answer: { status: number; message: string } | null): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
}

const BOOT_ENABLED = ['Disabled', 'Once', 'Continuous'];
const BOOT_MODES = ['UEFI', 'Legacy'];

export async function startRedfishBmc(opts: RedfishBmcOptions = {}): Promise<RedfishBmc> {
  const username = opts.username ?? 'admin';
  const password = opts.password ?? 'password';
  const machine: Machine = opts.machine ?? new FakeMachine();
  // A machine that knows its hardware (a VM) is reported as it is; the profile's inventory otherwise.
  const base = withProfile(opts.profile);
  const profile: BmcProfile = { ...base, inventory: { ...base.inventory, ...(await machine.hardware?.()) } };
  const P = pathsOf(profile);
  const state: BmcState = {
    power: 'Off',
    boot: { target: 'None', enabled: 'Disabled', mode: 'UEFI' },
    secureBoot: false,
    bios: { ...profile.biosAttributes },
    pendingBios: {},
    media: { image: null },
    versions: new Map(),
  };
  const sessions = new Map<string, { id: string; lastUsed: number }>();
  const stats = { requests: 0, logins: 0, byRoute: new Map<string, number>() };
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let latencyMs = 0;
  const refusals = new Map<string, { status: number; message: string }>();

  const bump = (path: string) => state.versions.set(path, (state.versions.get(path) ?? 0) + 1);
  const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  const credentialsOk = (u: unknown, p: unknown) => typeof u === 'string' && typeof p === 'string' && sameSecret(u, username) && sameSecret(p, password);

  const authorized = (req: IncomingMessage): boolean => {
    const token = req.headers['x-auth-token'];
    if (typeof token === 'string') {
      const s = sessions.get(token);
      if (!s || (opts.sessionIdleMs && Date.now() - s.lastUsed > opts.sessionIdleMs)) return false;
      s.lastUsed = Date.now();
      return true;
    }
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (!basic || profile.auth === 'session') return false;
    const [u, ...rest] = Buffer.from(basic[1]!, 'base64').toString().split(':');
    return credentialsOk(u, rest.join(':'));
  };

  /** If-Match, for a BMC that insists on it: 428 without one, 412 with one that is not current. */
  const preconditionFails = (req: IncomingMessage, path: string): Answer | null => {
    if (!profile.requireIfMatch) return null;
    const ifMatch = req.headers['if-match'];
    if (!ifMatch) return { status: 428, body: redfishError('PreconditionRequired', `An If-Match header with the ETag of ${path} is required to change it.`) };
    if (ifMatch !== '*' && ifMatch !== etagOf(state, path)) return { status: 412, body: redfishError('PreconditionFailed', `The ETag ${ifMatch} does not match the current ETag of ${path}.`) };
    return null;
  };

  const bad = (messageId: string, message: string): Answer => ({ status: 400, body: redfishError(messageId, message) });

  /** After a power on or restart: a Once override is used up, pending BIOS settings take effect. */
  const booted = () => {
    if (state.boot.enabled === 'Once') state.boot = { ...state.boot, enabled: 'Disabled', target: 'None' };
    if (Object.keys(state.pendingBios).length) {
      Object.assign(state.bios, state.pendingBios);
      state.pendingBios = {};
      bump(P.bios);
    }
    bump(P.system);
  };

  const reset = async (body: Json): Promise<Answer> => {
    const type = body.ResetType as ResetType;
    if (!RESET_TYPES.includes(type) || !profile.resetTypes.includes(type)) return bad('ActionParameterValueNotInList', `The value ${JSON.stringify(body.ResetType)} for the parameter ResetType is not in the list of acceptable values (${profile.resetTypes.join(', ')}).`);
    const wasOn = (await machine.powerState()) !== 'Off';
    const boot: BootTarget = state.boot.enabled === 'Disabled' ? 'None' : state.boot.target;
    await machine.reset(type, boot);
    const restart = type === 'ForceRestart' || type === 'GracefulRestart';
    const powerOn = type === 'On' || type === 'ForceOn' || type === 'PushPowerButton';
    const boots = restart ? wasOn : powerOn && !wasOn;
    if (boots) booted();
    return { status: 204 };
  };

  const patchSystem = (body: Json): Answer => {
    const boot = body.Boot as Json | undefined;
    if (!boot || typeof boot !== 'object') return bad('PropertyNotWritable', 'Only Boot may be changed on this system.');
    if (boot.BootSourceOverrideTarget !== undefined && !profile.bootTargets.includes(boot.BootSourceOverrideTarget)) return bad('PropertyValueNotInList', `The value ${JSON.stringify(boot.BootSourceOverrideTarget)} for the property BootSourceOverrideTarget is not in the list of acceptable values.`);
    if (boot.BootSourceOverrideEnabled !== undefined && !BOOT_ENABLED.includes(boot.BootSourceOverrideEnabled)) return bad('PropertyValueNotInList', `The value ${JSON.stringify(boot.BootSourceOverrideEnabled)} for the property BootSourceOverrideEnabled is not in the list of acceptable values.`);
    if (boot.BootSourceOverrideMode !== undefined && !BOOT_MODES.includes(boot.BootSourceOverrideMode)) return bad('PropertyValueNotInList', `The value ${JSON.stringify(boot.BootSourceOverrideMode)} for the property BootSourceOverrideMode is not in the list of acceptable values.`);
    state.boot = {
      target: boot.BootSourceOverrideTarget ?? state.boot.target,
      enabled: boot.BootSourceOverrideEnabled ?? (boot.BootSourceOverrideTarget ? 'Once' : state.boot.enabled),
      mode: boot.BootSourceOverrideMode ?? state.boot.mode,
    };
    bump(P.system);
    return { status: 204 };
  };

  const patchBios = (path: string, body: Json): Answer => {
    const attrs = body.Attributes as Json | undefined;
    if (!attrs || typeof attrs !== 'object') return bad('PropertyMissing', 'The property Attributes is a required property and must be included in the request.');
    const unknown = Object.keys(attrs).filter((k) => !(k in state.bios));
    if (unknown.length) return bad('PropertyUnknown', `The property ${unknown.join(', ')} is not in the list of valid properties for the resource.`);
    if (path === P.biosSettings) Object.assign(state.pendingBios, attrs);
    else Object.assign(state.bios, attrs);
    bump(path);
    return { status: 204 };
  };

  const route = async (req: IncomingMessage, path: string, body: Json): Promise<Answer> => {
    const method = req.method ?? 'GET';
    if (method === 'GET' && (path === P.root || path === '/redfish')) return { status: 200, body: path === P.root ? documents(profile, state, []).get(P.root)! : { v1: '/redfish/v1/' } };
    if (method === 'POST' && path === P.sessions && profile.auth !== 'basic') {
      if (!credentialsOk(body.UserName, body.Password)) return { status: 401, body: redfishError('NoValidSession', 'Invalid username or password: login failed.') };
      stats.logins++;
      const token = randomBytes(16).toString('hex');
      const id = randomBytes(4).toString('hex');
      sessions.set(token, { id, lastUsed: Date.now() });
      return { status: 201, headers: { 'x-auth-token': token, location: `${P.sessions}/${id}` }, body: { '@odata.id': `${P.sessions}/${id}`, Id: id, UserName: username } };
    }
    if (!authorized(req)) return { status: 401, body: redfishError('NoValidSession', 'There is no valid session established with the implementation.') };
    state.power = await machine.powerState();
    if (method === 'GET') {
      const doc = documents(profile, state, [...sessions.values()].map((s) => s.id)).get(path);
      if (!doc) return { status: 404, body: redfishError('ResourceMissingAtURI', `The resource at the URI ${path} was not found.`) };
      return { status: 200, body: doc, headers: doc['@odata.etag'] ? { etag: doc['@odata.etag'] } : {} };
    }
    if (method === 'DELETE' && path.startsWith(`${P.sessions}/`)) {
      const id = path.slice(P.sessions.length + 1);
      for (const [t, s] of sessions) if (s.id === id) sessions.delete(t);
      return { status: 204 };
    }
    if (method === 'POST' && path === P.reset) return reset(body);
    if (method === 'POST' && path === `${P.cd}/Actions/VirtualMedia.InsertMedia`) {
      if (typeof body.Image !== 'string' || !body.Image) return bad('ActionParameterMissing', 'The action InsertMedia requires the parameter Image to be present in the request body.');
      await machine.insertMedia(body.Image);
      state.media.image = body.Image;
      return { status: 204 };
    }
    if (method === 'POST' && path === `${P.cd}/Actions/VirtualMedia.EjectMedia`) {
      await machine.ejectMedia();
      state.media.image = null;
      return { status: 204 };
    }
    if (method === 'PATCH') {
      const writable = [P.system, P.biosSettings, ...(profile.biosSettingsObject ? [] : [P.bios]), ...(profile.secureBoot ? [P.secureBoot] : [])];
      if (!writable.includes(path)) return { status: 405, body: redfishError('OperationNotAllowed', `PATCH is not allowed on ${path}.`) };
      const refused = preconditionFails(req, path);
      if (refused) return refused;
      if (path === P.system) return patchSystem(body);
      if (path === P.secureBoot) {
        if (typeof body.SecureBootEnable !== 'boolean') return bad('PropertyValueTypeError', 'The property SecureBootEnable must be a boolean.');
        state.secureBoot = body.SecureBootEnable;
        bump(path);
        return { status: 204 };
      }
      return patchBios(path, body);
    }
    return { status: 405, body: redfishError('OperationNotAllowed', `${method} is not allowed on ${path}.`) };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.requests++;
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/+$/, '') || '/';
    const routeKey = `${req.method} ${path}`;
    stats.byRoute.set(routeKey, (stats.byRoute.get(routeKey) ?? 0) + 1);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let answer: Answer;
    if (latencyMs) await new Promise((r) => setTimeout(r, latencyMs));
    const refusal = refusals.get(routeKey);
    if (refusal) {
      answer = { status: refusal.status, body: redfishError('ActionNotSupported', refusal.message) };
    } else if (failures.count > 0) {
      failures.count--;
      answer = { status: failures.status, body: redfishError('InternalError', 'The request failed due to an internal service error. The service is still operational.') };
    } else {
      let body: Json = {};
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Json) : {};
      } catch {
        body = { __malformed: true };
      }
      answer = body.__malformed ? bad('MalformedJSON', 'The request body submitted was malformed JSON and could not be parsed by the receiving service.') : await route(req, path, body).catch((err: Error) => ({ status: 500, body: redfishError('InternalError', err.message) }));
    }
    const text = answer.body ? JSON.stringify(answer.body) : '';
    res.writeHead(answer.status, { ...(text ? { 'content-type': 'application/json' } : {}), 'odata-version': '4.0', ...answer.headers });
    res.end(text);
  };

  let tls: SelfSigned | undefined;
  let server: Server;
  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  if (opts.http) server = createHttp({ keepAlive: true }, listener);
  else {
    tls = await selfSignedCert();
    server = createHttps({ key: tls.key, cert: tls.cert, keepAlive: true }, listener);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.http ? 'http' : 'https'}://127.0.0.1:${port}`,
    address: opts.http ? `http://127.0.0.1:${port}` : `127.0.0.1:${port}`,
    cert: tls?.cert,
    profile,
    paths: P,
    machine,
    state,
    stats,
    expireSessions: () => sessions.clear(),
    openSessions: () => sessions.size,
    failNext: (count, status = 500) => {
      failures = { count, status };
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    refuse: (route, answer) => {
      if (answer) refusals.set(route, answer);
      else refusals.delete(route);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await machine.close();
    },
  };
}
