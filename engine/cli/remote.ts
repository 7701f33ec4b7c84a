// The CLI's client for a running ironplan service (--endpoint): declarative endpoints for plan/apply,
// Ironic's v1 API for node operations.
import type { Fleet } from '../generated/fleet.js';
import type { Plan } from '../generated/plan.js';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import { EngineError } from '../errors.js';
import { describeTlsError, tlsFetch, type TlsFetch } from '../secrets/tls.js';
import type { ProgressPrinter } from './progress.js';

export class Remote {
  constructor(
    private readonly endpoint: string,
    private readonly token?: string,
    caFile?: string,
  ) {
    if (!URL.canParse(endpoint)) throw new EngineError('InvalidParameter', `--endpoint: "${endpoint}" is not a URL (e.g. http://127.0.0.1:6385)`, 'endpoint');
    this.fetch = caFile ? tlsFetch({ ca: caFile }) : fetch;
  }

  /** fetch, trusting --ca-file's CA for an https endpoint. */
  private readonly fetch: TlsFetch;

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.endpoint);
    let res: Response;
    let text: string;
    try {
      res = await this.fetch(url, {
        method,
        headers: {
          'content-type': 'application/json',
          'x-openstack-ironic-api-version': 'latest',
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      text = await res.text();
    } catch (err) {
      // undici says only "fetch failed"; what failed (refused, unknown host, reset) is in its cause.
      throw new Error(`cannot reach ${url.href}: ${causeOf(err)}`);
    }
    if (!res.ok) throw new EngineError(res.status === 404 ? 'NotFound' : res.status === 409 ? 'Conflict' : 'InvalidParameter', `${method} ${path}: HTTP ${res.status}: ${describe(text)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  putSpecs(fleet: Fleet): Promise<void> {
    return this.call('PUT', '/v1/specs', fleet);
  }
  /** Plans the fleet without storing it (the service's desired state stays as it is; readers may do it). */
  planFleet(fleet: Fleet): Promise<Plan> {
    return this.call('POST', '/v1/plans/dry-run', fleet);
  }
  makePlan(): Promise<Plan> {
    return this.call('POST', '/v1/plans', {});
  }

  /** Applies and follows the apply's recorded actions until it ends. */
  async applyPlan(plan: Plan, progress: ProgressPrinter): Promise<string> {
    const { apply_id } = await this.call<{ apply_id: string }>('POST', `/v1/plans/${plan.id}/apply`, {});
    const byId = new Map(plan.actions.map((a) => [a.id, a]));
    const seen = new Map<string, string>();
    for (;;) {
      const a = await this.call<{ status: string; actions: Array<{ action_id: string; status: string; error: string | null }> }>('GET', `/v1/applies/${apply_id}`);
      const byAction = new Map(a.actions.map((x) => [x.action_id, x]));
      // In plan order, so what one poll finds finished reads in the order it ran.
      for (const planned of plan.actions) {
        const x = byAction.get(planned.id);
        if (!x || seen.get(x.action_id) === x.status || x.status === 'pending') continue;
        const action = byId.get(x.action_id);
        if (action) {
          if (x.status !== 'running' && seen.get(x.action_id) !== 'running') progress.action(action, 'running');
          progress.action(action, x.status, x.error ?? undefined);
        }
        seen.set(x.action_id, x.status);
      }
      if (a.status !== 'running') return a.status;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async listNodes(): Promise<NodeRecord[]> {
    return (await this.call<{ nodes: NodeRecord[] }>('GET', '/v1/nodes/detail')).nodes;
  }
  getNode(ident: string): Promise<NodeRecord> {
    return this.call('GET', `/v1/nodes/${encodeURIComponent(ident)}`);
  }
  createNode(body: Record<string, unknown>): Promise<NodeRecord> {
    return this.call('POST', '/v1/nodes', body);
  }
  deleteNode(ident: string): Promise<void> {
    return this.call('DELETE', `/v1/nodes/${encodeURIComponent(ident)}`);
  }
  setPower(ident: string, target: string): Promise<void> {
    return this.call('PUT', `/v1/nodes/${encodeURIComponent(ident)}/states/power`, { target: target === 'reboot' ? 'rebooting' : target });
  }
  async provision(ident: string, verb: string, instanceInfo?: Record<string, unknown>, cleanSteps?: unknown[]): Promise<void> {
    if (instanceInfo) {
      const patch = Object.entries(instanceInfo).map(([k, v]) => ({ op: 'add', path: `/instance_info/${k}`, value: v }));
      await this.call('PATCH', `/v1/nodes/${encodeURIComponent(ident)}`, patch);
    }
    const target = verb === 'deploy' ? 'active' : verb === 'undeploy' ? 'deleted' : verb;
    await this.call('PUT', `/v1/nodes/${encodeURIComponent(ident)}/states/provision`, cleanSteps ? { target, clean_steps: cleanSteps } : { target });
  }
  async setMaintenance(ident: string, on: boolean, reason?: string): Promise<void> {
    if (on) await this.call('PUT', `/v1/nodes/${encodeURIComponent(ident)}/maintenance`, { reason: reason ?? null });
    else await this.call('DELETE', `/v1/nodes/${encodeURIComponent(ident)}/maintenance`);
  }
}

/** Ironic wraps errors as {"error_message": "<JSON string with faultstring>"}. */
function describe(text: string): string {
  try {
    const body = JSON.parse(text) as { error_message?: string };
    if (body.error_message) {
      try {
        return (JSON.parse(body.error_message) as { faultstring?: string }).faultstring ?? body.error_message;
      } catch {
        return body.error_message;
      }
    }
  } catch {
    // Not JSON: show it as it came.
  }
  return text.slice(0, 500);
}

/**
 * Why a request failed below HTTP: undici's fetch error carries it as cause (an Error with a code such as
 * ECONNREFUSED, or an AggregateError when every address of a name was refused).
 */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause ?? err;
  const describe1 = (e: unknown) => {
    const x = e as { message?: string; code?: string };
    return x.message || x.code || String(e);
  };
  if (cause instanceof AggregateError && cause.errors.length) return cause.errors.map(describe1).join('; ');
  const tls = describeTlsError((cause as { code?: string }).code);
  if (tls) return tls;
  const text = describe1(cause);
  // fetch itself refuses a few ports (1, 25, 6000…: the Fetch standard's "bad ports") before connecting.
  return text === 'bad port' ? 'bad port (fetch refuses to connect to this port; use another)' : text;
}
