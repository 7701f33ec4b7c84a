// Accepting a provision verb (Ironic's manager.do_provisioning_action): check the table, take the lock,
// record the first transition, then run the verb's flow in the background, picked from FLOWS.
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { NodePatch } from '../store/store.js';
import { EngineError, nodeProtected } from '../errors.js';
import { CONFIGDRIVE_DIGEST_KEY, configdriveDigest } from '../configdrive.js';
import { REFUSED_IN_MAINTENANCE, nextState, type UserVerb } from '../states.js';
import type { Operation, ProvisionArgs } from './types.js';
import type { Flow, TaskManager } from './task-manager.js';
import { errorMessage } from './task-manager.js';
import { runManage } from './verify.js';
import { checkCleanSteps, runCleaning } from './cleaning.js';
import { checkBiosSteps } from './bios.js';
import { runAbort, runDeploy, runUndeploy } from './deploy.js';
import { runInspect } from './inspection.js';
import { RESCUE_PASSWORD_KEY, checkRescuePassword, checkRescueSupported, runRescue, runUnrescue } from './rescue.js';
import { runAdopt } from './adopt.js';
import { runService } from './service.js';

/** Each flow runs holding the lock, which is released when it returns (a parked node holds none). */
const FLOWS: Readonly<Record<UserVerb, Flow>> = {
  manage: runManage,
  provide: runCleaning,
  clean: runCleaning,
  deploy: runDeploy,
  rebuild: runDeploy,
  undeploy: runUndeploy,
  abort: runAbort,
  inspect: runInspect,
  rescue: runRescue,
  unrescue: runUnrescue,
  adopt: runAdopt,
  service: runService,
};

/** What a protected node refuses (Ironic 1.48): everything that would destroy its instance. */
const PROTECTED_VERBS: ReadonlySet<UserVerb> = new Set(['rebuild', 'undeploy']);

/** `done` settles when the node reaches a stable or wait state, and the lock is released. */
export async function provision(tm: TaskManager, ident: string, verb: UserVerb, args: ProvisionArgs, actor: string): Promise<Operation> {
  const node = await tm.reserve(ident);
  let accepted: NodeRecord;
  try {
    if (node.maintenance && REFUSED_IN_MAINTENANCE.has(verb)) {
      throw new EngineError('NodeInMaintenance', `The requested action "${verb}" can not be performed on node ${ident} while it is in maintenance mode (${node.maintenance_reason ?? 'no reason given'}).`);
    }
    if (node.protected && PROTECTED_VERBS.has(verb)) throw nodeProtected(node.uuid);
    // A retired node is not offered for deployment again (Ironic refuses "provide").
    if (node.retired && verb === 'provide') throw new EngineError('InvalidState', `The requested action "provide" can not be performed on node ${node.uuid} while it is retired (${node.retired_reason ?? 'no reason given'}).`, 'retired');
    nextState(node.provision_state, verb, node.target_provision_state, { node: node.uuid, action: args.requested ?? verb });
    if (verb === 'rescue' || verb === 'unrescue') checkRescueSupported(tm, node);
    if (verb === 'inspect') {
      // Refused now with the reason, rather than accepted into a wait that can never end.
      const task = await tm.makeTask(node.uuid, node);
      await task.driver.inspect.validate(task);
    }
    if (verb === 'clean' && args.clean_steps) await checkBiosSteps(tm, node, args.clean_steps);
    accepted = await tm.store.transaction(async (tx) => {
      const extra: NodePatch = { last_error: verb === 'abort' ? `Aborted by ${actor}.` : null };
      if (verb === 'clean' && args.clean_steps) {
        checkCleanSteps(tm.registry.driverFor(node).deploy, args.clean_steps, 'clean', args.disable_ramdisk);
        extra.driver_internal_info = { ...node.driver_internal_info, clean_steps: args.clean_steps };
      } else if (node.driver_internal_info.clean_steps !== undefined && (verb === 'provide' || verb === 'undeploy' || verb === 'clean')) {
        // A manual clean's steps that outlived it (it failed) must not turn the next cleaning manual.
        const dii = { ...node.driver_internal_info };
        delete dii.clean_steps;
        extra.driver_internal_info = dii;
      }
      if (verb === 'service') {
        const deploy = tm.registry.driverFor(node).deploy;
        if (!deploy.service) throw new EngineError('InvalidParameter', `Node ${node.uuid}: deploy interface "${deploy.name}" offers no service steps.`, 'service_steps');
        // As Ironic: servicing is always the steps asked for, never a default sequence.
        if (!args.service_steps?.length) throw new EngineError('InvalidParameter', 'service_steps: at least one step is required when the target is "service"', 'service_steps');
        checkCleanSteps(deploy, args.service_steps, 'service', args.disable_ramdisk);
        extra.driver_internal_info = { ...(extra.driver_internal_info ?? node.driver_internal_info), service_steps: args.service_steps };
      }
      if (verb === 'rescue') extra.instance_info = { ...node.instance_info, [RESCUE_PASSWORD_KEY]: checkRescuePassword(args.rescue_password) };
      if (verb === 'deploy' || verb === 'rebuild') {
        const info = { ...node.instance_info, ...(args.instance_info ?? {}) };
        if (args.instance_info?.configdrive != null) info[CONFIGDRIVE_DIGEST_KEY] = configdriveDigest(args.instance_info.configdrive);
        extra.instance_info = info;
        if (args.instance_uuid !== undefined) extra.instance_uuid = args.instance_uuid;
      }
      return tm.transition(node.uuid, verb, actor, extra, null, tx);
    });
  } catch (err) {
    await tm.release(node.uuid);
    throw err;
  }
  const flow = FLOWS[verb];
  const done = tm.track(
    (async () => {
      try {
        await flow(tm, accepted.uuid, actor);
      } catch (err) {
        tm.log.error({ node: accepted.uuid, verb, err: errorMessage(err) }, 'provision flow crashed');
      } finally {
        await tm.release(accepted.uuid);
      }
      return tm.store.getNode(accepted.uuid);
    })(),
  );
  return { node: accepted, done };
}
