// The `ironplan` command: serve, plan, apply, node operations, ramdisk build. Works on the embedded
// engine (an SQLite file) or, with --endpoint, through a running ironplan service.
import { Command, Option } from 'commander';
import { join, resolve } from 'node:path';
import type { Plan } from '../generated/plan.js';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import { Engine } from '../engine.js';
import { formatPlan } from '../plan-format.js';
import { readFleetFile } from '../fleet-file.js';
import { EngineError } from '../errors.js';
import { STABLE_STATES, USER_VERBS, type UserVerb } from '../states.js';
import { Remote } from './remote.js';
import { ProgressPrinter } from './progress.js';
import { BUILTIN_DRIVERS, loadRamdiskBuild } from './compose.js';
import { addSecretsCommand, SECRETS_KEY_FILE_HELP } from './secrets.js';
import { addTlsOptions } from './tls.js';
import pino from 'pino';
import type { CleanStep, Logger } from '../../contract/types.js';

const DEFAULT_DB = process.env.IRONPLAN_DB ?? join('.ironplan', 'ironplan.db');

interface Common {
  db: string;
  endpoint?: string;
  token?: string;
  secretsKeyFile?: string;
  caFile?: string;
}

const DEFAULT_CLEAN_STEPS = '[{"interface":"deploy","step":"erase_devices_metadata"}]';

/** --clean-steps: a JSON list of {interface, step}; the conductor checks that the node offers them. */
function parseCleanSteps(text: string): CleanStep[] {
  let steps: unknown;
  try {
    steps = JSON.parse(text);
  } catch (err) {
    throw new EngineError('InvalidParameter', `clean-steps: not JSON: ${(err as Error).message}`, 'clean_steps');
  }
  const valid = Array.isArray(steps) && steps.every((s) => typeof s === 'object' && s !== null && typeof (s as CleanStep).interface === 'string' && typeof (s as CleanStep).step === 'string');
  if (!valid) throw new EngineError('InvalidParameter', 'clean-steps: must be a list of {"interface": ..., "step": ...}', 'clean_steps');
  return steps as CleanStep[];
}

const quiet = () => pino({ level: process.env.IRONPLAN_LOG_LEVEL ?? 'warn' }, pino.destination(2)) as unknown as Logger;

async function withEngine<T>(opts: Common, fn: (e: Engine) => Promise<T>, startConductor = true): Promise<T> {
  const engine = await Engine.open({ database: opts.db, secretsKeyFile: opts.secretsKeyFile, drivers: BUILTIN_DRIVERS, log: quiet(), powerSyncIntervalSec: 0, startConductor });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

function addCommon(cmd: Command): Command {
  return cmd
    .option('--db <path>', 'state database: an SQLite file or a postgres:// URL', DEFAULT_DB)
    .option('--endpoint <url>', 'act through a running ironplan service instead of the local database', process.env.IRONPLAN_ENDPOINT)
    .option('--token <token>', 'bearer token for --endpoint', process.env.IRONPLAN_TOKEN)
    .option('--ca-file <pem>', 'CA bundle to verify an https --endpoint with (or IRONPLAN_CA_FILE)', process.env.IRONPLAN_CA_FILE)
    .option('--secrets-key-file <path>', SECRETS_KEY_FILE_HELP);
}

/** `plan`: the file planned against the records, stored nowhere (a plan changes nothing; only apply stores specs). */
async function dryRunPlan(file: string, opts: Common): Promise<Plan> {
  const fleet = await readFleetFile(file);
  if (opts.endpoint) return new Remote(opts.endpoint, opts.token, opts.caFile).planFleet(fleet);
  return withEngine(opts, (e) => e.planFleet(fleet), false);
}

/** `apply`: the file becomes the desired state, and the plan made from it is stored to be applied by id. */
async function storeAndPlan(file: string, opts: Common): Promise<{ plan: Plan; remote?: Remote; engine?: Engine }> {
  const fleet = await readFleetFile(file);
  if (opts.endpoint) {
    const remote = new Remote(opts.endpoint, opts.token, opts.caFile);
    await remote.putSpecs(fleet);
    return { plan: await remote.makePlan(), remote };
  }
  const engine = await Engine.open({ database: opts.db, secretsKeyFile: opts.secretsKeyFile, drivers: BUILTIN_DRIVERS, log: quiet(), powerSyncIntervalSec: 0 });
  await engine.putSpecs(fleet);
  return { plan: await engine.makePlan(), engine };
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(question);
  rl.close();
  return answer.trim() === 'yes';
}

function printNodes(nodes: NodeRecord[]): void {
  const rows = nodes.map((n) => [n.uuid, n.name ?? '', n.driver, n.power_state ?? 'None', n.provision_state, n.maintenance ? 'True' : 'False']);
  const head = ['UUID', 'Name', 'Driver', 'Power State', 'Provisioning State', 'Maintenance'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

export function buildCli(): Command {
  const program = new Command('ironplan').description('Declarative bare-metal provisioning: plan and apply machines over IPMI and PXE.').showHelpAfterError();

  const serveCmd = program
    .command('serve')
    .description('Run the HTTP API and the manager in one process on the embedded SQLite database.')
    .option('--db <path>', 'state database: an SQLite file or a postgres:// URL', DEFAULT_DB)
    .option('--host <addr>', 'address to listen on', process.env.IRONPLAN_HOST ?? '127.0.0.1')
    .option('--port <n>', 'port to listen on (Ironic\'s is 6385)', (v) => Number(v), Number(process.env.IRONPLAN_PORT ?? 6385))
    .option('--api-url <url>', 'URL the deploy agent and iPXE use to reach this service')
    .option('--boot-root <dir>', 'directory of boot files served under /boot/')
    .option('--state-dir <dir>', 'directory for driver state', '.ironplan')
    .option('--power-sync-interval <sec>', 'seconds between BMC power-state syncs (0 = off)', (v) => Number(v), 60)
    .option('--deploy-callback-timeout <sec>', 'seconds a node waits for its agent', (v) => Number(v), 1800)
    .option('--no-automated-clean', 'cleaning (on provide and after undeploy) only powers off and removes boot config, without booting the agent to erase disk metadata (or IRONPLAN_AUTOMATED_CLEAN=false)')
    .addOption(new Option('--auth <mode>', 'API authentication').choices(['none', 'token']).default('none'))
    .option('--tokens-file <path>', 'with --auth token: a JSON file [{"token": "...", "role": "admin"|"reader"}], or project-scoped [{"token", "role": "admin"|"manager"|"member"|"reader", "project"}] (schemas/tokens.schema.json; or IRONPLAN_TOKENS)')
    .option('--driver <module...>', 'extra driver modules to load')
    .option('--tftp-port <n>', 'also serve the boot root over TFTP on this UDP port (69 needs root)', (v) => Number(v))
    .option('--tftp-host <addr>', 'address for TFTP (default: --host)')
    .option('--heartbeat-interval <sec>', "seconds between the manager's liveness heartbeats", (v) => Number(v), 10)
    .option('--heartbeat-timeout <sec>', 'seconds without a heartbeat after which a manager is dead', (v) => Number(v), 60)
    .option('--secrets-key-file <path>', SECRETS_KEY_FILE_HELP);
  addTlsOptions(serveCmd, 'the API').action(async (o) => {
      const { serve } = await import('./serve.js');
      await serve(o);
    });

  const apiCmd = program
    .command('api')
    .description('Run the HTTP API alone, in front of managers (ironplan manager) sharing its PostgreSQL database.')
    .requiredOption('--db <url>', 'the database the managers use (postgres://…)', process.env.IRONPLAN_DB)
    .option('--host <addr>', 'address to listen on', process.env.IRONPLAN_HOST ?? '127.0.0.1')
    .option('--port <n>', 'port to listen on', (v) => Number(v), Number(process.env.IRONPLAN_PORT ?? 6385))
    .option('--rpc-secret-file <path>', "file holding the managers' shared RPC secret (or IRONPLAN_RPC_SECRET)")
    .option('--heartbeat-timeout <sec>', 'seconds without a heartbeat after which a manager is dead', (v) => Number(v), 60)
    .addOption(new Option('--auth <mode>', 'API authentication').choices(['none', 'token']).default('none'))
    .option('--tokens-file <path>', 'with --auth token: a JSON file [{"token": "...", "role": "admin"|"reader"}], or project-scoped [{"token", "role": "admin"|"manager"|"member"|"reader", "project"}] (schemas/tokens.schema.json; or IRONPLAN_TOKENS)')
    .option('--secrets-key-file <path>', SECRETS_KEY_FILE_HELP)
    .option('--state-dir <dir>', 'data directory (where the secrets key file is by default)', '.ironplan');
  addTlsOptions(apiCmd, 'the API', { client: true }).action(async (o) => {
      const { api } = await import('./serve.js');
      await api(o);
    });

  const managerCmd = program
    .command('manager')
    .description('Run a manager (drivers and the conductor) answering the API over JSON-RPC; several may share one PostgreSQL database.')
    .requiredOption('--db <url>', 'state database (postgres://… to share it with other managers)', process.env.IRONPLAN_DB)
    .option('--group <name>', "the conductor group this manager serves ('' is the default group)", '')
    .option('--rpc-listen <host:port>', "where the API's RPC calls reach this manager (port 0 picks a free one)", '127.0.0.1:0')
    .option('--rpc-secret-file <path>', 'file holding the shared RPC secret (or IRONPLAN_RPC_SECRET)')
    .option('--api-url <url>', 'URL the deploy agent and iPXE use to reach the API')
    .option('--boot-root <dir>', "directory of this manager's boot files")
    .option('--boot-listen <host:port>', 'serve this manager\'s boot files over HTTP here (the API redirects each machine\'s script to its node\'s manager)')
    .option('--boot-url <url>', 'the URL machines reach --boot-listen by (default http://<boot-listen>)')
    .option('--state-dir <dir>', 'directory for driver state', '.ironplan')
    .option('--power-sync-interval <sec>', 'seconds between BMC power-state syncs (0 = off)', (v) => Number(v), 60)
    .option('--deploy-callback-timeout <sec>', 'seconds a node waits for its agent', (v) => Number(v), 1800)
    .option('--no-automated-clean', 'cleaning only powers off and removes boot config (or IRONPLAN_AUTOMATED_CLEAN=false)')
    .option('--driver <module...>', 'extra driver modules to load')
    .option('--tftp-port <n>', "serve this manager's boot root over TFTP on this UDP port", (v) => Number(v))
    .option('--tftp-host <addr>', 'address for TFTP (default: the --rpc-listen host)')
    .option('--heartbeat-interval <sec>', 'seconds between liveness heartbeats (Ironic: 10)', (v) => Number(v), 10)
    .option('--heartbeat-timeout <sec>', 'seconds without a heartbeat after which a manager is dead (Ironic: 60)', (v) => Number(v), 60)
    .option('--secrets-key-file <path>', SECRETS_KEY_FILE_HELP)
    .option('--boot-tls', 'serve --boot-listen over HTTPS with --tls-cert (the machines\' iPXE must trust its CA)');
  addTlsOptions(managerCmd, "the manager's RPC listener", { client: true }).action(async (o) => {
      const { manager } = await import('./serve.js');
      await manager(o);
    });

  addCommon(
    program
      .command('plan')
      .description('Show what apply would change to make the machines match the fleet file.')
      .requiredOption('-f, --file <path>', 'fleet file (YAML or JSON)')
      .option('--json', 'print the plan as JSON')
      .option('--detailed-exitcode', 'exit 0 when there is nothing to do, 2 when there are changes, 1 on error'),
  ).action(async (o) => {
    const plan = await dryRunPlan(o.file, o);
    process.stdout.write(o.json ? JSON.stringify(plan, null, 2) + '\n' : formatPlan(plan, { color: process.stdout.isTTY }));
    if (o.detailedExitcode && plan.actions.length) process.exitCode = 2;
  });

  addCommon(
    program
      .command('apply')
      .description('Make the machines match the fleet file: plan, confirm, apply with live progress.')
      .requiredOption('-f, --file <path>', 'fleet file (YAML or JSON)')
      .option('--auto-approve', 'apply without asking')
      .option('--concurrency <n>', 'actions running at once', (v) => Number(v), 16),
  ).action(async (o) => {
    const { plan, engine, remote } = await storeAndPlan(o.file, o);
    try {
      process.stdout.write(formatPlan(plan, { color: process.stdout.isTTY }));
      if (!plan.actions.length) return;
      if (!o.autoApprove && !(await confirm('\nDo you want to perform these actions? Only "yes" will be accepted: '))) {
        console.error('Apply cancelled (use --auto-approve when not on a terminal).');
        process.exitCode = 1;
        return;
      }
      const progress = new ProgressPrinter(plan, process.stdout);
      let status: string;
      if (remote) {
        status = await remote.applyPlan(plan, progress);
      } else {
        const unsubscribe = progress.follow(engine!.conductor.events);
        const { done } = await engine!.applyPlan(plan.id, { concurrency: o.concurrency, onProgress: (p) => progress.action(p.action, p.status, p.error) });
        status = (await done!).status;
        unsubscribe();
      }
      progress.finish(status);
      if (status !== 'succeeded') process.exitCode = 1;
    } finally {
      await engine?.close();
    }
  });

  const node = program.command('node').description('Ad-hoc operations on nodes.');
  addCommon(node.command('list').description('List nodes.').option('--json', 'print JSON')).action(async (o) => {
    const nodes = o.endpoint ? await new Remote(o.endpoint, o.token, o.caFile).listNodes() : await withEngine(o, (e) => e.nodes.listNodes().then((ns) => ns.map((n) => e.nodes.redact(n))), false);
    if (o.json) console.log(JSON.stringify(nodes, null, 2));
    else printNodes(nodes);
  });
  addCommon(node.command('show <node>').description('Show a node by name or UUID.')).action(async (ident: string, o) => {
    const n = o.endpoint ? await new Remote(o.endpoint, o.token, o.caFile).getNode(ident) : await withEngine(o, async (e) => e.nodes.redact(await e.nodes.getNode(ident)), false);
    console.log(JSON.stringify(n, null, 2));
  });
  addCommon(
    node
      .command('create <name>')
      .description('Enroll a node.')
      .requiredOption('--driver <type>', 'hardware type, e.g. ipmi or fake-hardware')
      .option('--driver-info <json>', 'driver_info as JSON', '{}'),
  ).action(async (name: string, o) => {
    const body = { name, driver: o.driver, driver_info: JSON.parse(o.driverInfo) as Record<string, unknown> };
    const n = o.endpoint ? await new Remote(o.endpoint, o.token, o.caFile).createNode(body) : await withEngine(o, async (e) => e.nodes.redact(await e.conductor.createNode(body, 'cli')), false);
    console.log(JSON.stringify(n, null, 2));
  });
  addCommon(node.command('delete <node>').description('Delete a node.')).action(async (ident: string, o) => {
    if (o.endpoint) await new Remote(o.endpoint, o.token, o.caFile).deleteNode(ident);
    else await withEngine(o, (e) => e.conductor.deleteNode(ident, 'cli'), false);
  });
  addCommon(
    node
      .command('power <node> <target>')
      .description('Power a node on, off, or reboot it; waits for the BMC to confirm.')
      .addHelpText('after', '\ntarget: on | off | reboot'),
  ).action(async (ident: string, target: string, o) => {
    const t = target === 'on' ? 'power on' : target === 'off' ? 'power off' : target === 'reboot' ? 'reboot' : null;
    if (!t) throw new EngineError('InvalidParameter', `target: "${target}" is not one of on, off, reboot`, 'target');
    if (o.endpoint) {
      await new Remote(o.endpoint, o.token, o.caFile).setPower(ident, t);
      return;
    }
    const n = await withEngine(o, async (e) => (await e.conductor.changePowerState(ident, t, 'cli')).done, false);
    console.log(`${n.name ?? n.uuid}: ${n.power_state}${n.last_error ? ` (${n.last_error})` : ''}`);
    if (n.last_error) process.exitCode = 1;
  });
  addCommon(
    node
      .command('provision <node> <verb>')
      .description(`Run a provision verb (${USER_VERBS.join(', ')}) and follow the node until it settles.`)
      .option('--image-source <url>', 'for deploy/rebuild: the image URL')
      .option('--image-checksum <sha>', 'for deploy/rebuild: sha256:<hex> or sha512:<hex>')
      .option('--clean-steps <json>', `for clean: the steps, as Ironic takes them (default ${DEFAULT_CLEAN_STEPS}; '[]' for none)`, DEFAULT_CLEAN_STEPS)
      .option('--wait <sec>', 'seconds to wait for a stable state', (v) => Number(v), 3600),
  ).action(async (ident: string, verb: string, o) => {
    if (!(USER_VERBS as readonly string[]).includes(verb)) throw new EngineError('InvalidParameter', `verb: "${verb}" is not one of ${USER_VERBS.join(', ')}`, 'verb');
    const instance_info = o.imageSource ? { image_source: o.imageSource, image_checksum: o.imageChecksum } : undefined;
    const clean_steps = verb === 'clean' ? parseCleanSteps(o.cleanSteps) : undefined;
    if (o.endpoint) {
      await new Remote(o.endpoint, o.token, o.caFile).provision(ident, verb as UserVerb, instance_info, clean_steps);
      return;
    }
    const n = await withEngine(o, async (e) => {
      const op = await e.conductor.provision(ident, verb as UserVerb, { instance_info, clean_steps }, 'cli');
      const progress = new ProgressPrinter(null, process.stdout);
      const off = progress.follow(e.conductor.events);
      await op.done;
      const end = await e.nodes.waitForNode(op.node.uuid, (x) => x.reservation === null && STABLE_STATES.includes(x.provision_state), o.wait * 1000);
      off();
      return end;
    });
    console.log(`${n.name ?? n.uuid}: ${n.provision_state}${n.last_error ? ` (${n.last_error})` : ''}`);
    if (n.last_error) process.exitCode = 1;
  });
  addCommon(
    node.command('maintenance <node> <on|off>').description('Put a node in maintenance or take it out.').option('--reason <text>', 'why'),
  ).action(async (ident: string, state: string, o) => {
    const on = state === 'on';
    if (o.endpoint) await new Remote(o.endpoint, o.token, o.caFile).setMaintenance(ident, on, o.reason);
    else await withEngine(o, (e) => e.conductor.setMaintenance(ident, on, o.reason ?? null, 'cli'), false);
  });

  program
    .command('ramdisk')
    .description('Deploy ramdisk tools.')
    .command('build')
    .description('Assemble the deploy kernel and initramfs from Debian packages into a cache directory.')
    .option('--cache <dir>', 'cache directory', join('.ironplan', 'ramdisk'))
    .option('--install <bootRoot>', 'also copy deploy.vmlinuz and deploy.initrd.gz into this boot root (what `serve` serves under /boot/)')
    .option('--ca-file <pem>', 'CA certificate(s) the agent verifies an https API and image URLs with (baked in as /etc/ironplan/ca.pem)')
    .action(async (o) => {
      const { buildRamdisk, installRamdisk } = await loadRamdiskBuild();
      const caFile = o.caFile ? resolve(o.caFile) : undefined;
      const out = await buildRamdisk({ cacheDir: resolve(o.cache), caFile, log: (m: string) => process.stderr.write(`${m}\n`) });
      const installed = o.install ? await installRamdisk(out, resolve(o.install)) : undefined;
      console.log(JSON.stringify({ ...out, installed }, null, 2));
    });

  addSecretsCommand(program, DEFAULT_DB);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    const e = err as EngineError;
    console.error(`Error: ${e.message ?? String(err)}`);
    process.exitCode = 1;
  }
}
