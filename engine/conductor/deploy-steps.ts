// Deploy templates at deploy time (Ironic's deployments.py: validate_instance_info_traits and
// get_deployment_templates): the templates named by the deploy's instance_info.traits give their steps,
// ordered as Ironic orders deploy steps (priority, then interface). ironplan's deploy interfaces have none
// of these steps: each is recorded (driver_internal_info.deploy_steps and an event) and run as a no-op.
import type { NodeRecord } from '../../contract/generated/node-record.js';
import { EngineError } from '../errors.js';
import { deployTemplatesNamed } from '../store/deploy-templates.js';
import type { TaskManager } from './task-manager.js';

/** Ironic's DEPLOYING_INTERFACE_PRIORITY: among equal priorities, the higher interface runs first. */
const INTERFACE_ORDER: Record<string, number> = { power: 5, management: 4, deploy: 3, bios: 2, raid: 1 };

export interface PlannedStep {
  interface: string;
  step: string;
  args: Record<string, unknown>;
  priority: number;
  template: string;
}

/** The steps the node's deploy gets; an instance trait the node lacks fails the deploy, as in Ironic. */
export async function deployStepsFor(tm: TaskManager, node: NodeRecord): Promise<PlannedStep[]> {
  const raw = node.instance_info.traits;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.some((t) => typeof t !== 'string')) throw new EngineError('InvalidParameter', 'instance_info.traits: must be a list of traits', 'instance_info.traits');
  const traits = raw as string[];
  const missing = traits.filter((t) => !node.traits.includes(t));
  if (missing.length) {
    throw new EngineError('InvalidParameter', `Cannot specify instance traits that are not also node traits. Instance traits: ${traits.join(', ')}, node traits: ${node.traits.join(', ')}`, 'instance_info.traits');
  }
  const steps = (await deployTemplatesNamed(tm.store.db, traits)).flatMap((t) => t.steps.map((s) => ({ ...s, template: t.name })));
  return steps.filter((s) => s.priority > 0).sort((a, b) => b.priority - a.priority || (INTERFACE_ORDER[b.interface] ?? 0) - (INTERFACE_ORDER[a.interface] ?? 0));
}

/** Records the steps on the node and runs each as a no-op, an event each. */
export async function runDeploySteps(tm: TaskManager, node: NodeRecord, actor: string): Promise<void> {
  const steps = await deployStepsFor(tm, node);
  if (!steps.length) return;
  await tm.store.transaction(async (tx) => {
    await tm.patchNode(node.uuid, (cur) => ({ driver_internal_info: { ...cur.driver_internal_info, deploy_steps: steps } }), tx);
    for (const s of steps) {
      await tx.addEvent({
        type: 'provision',
        node_uuid: node.uuid,
        node_name: node.name,
        verb: 'deploy-step',
        actor,
        reason: `deploy step ${s.interface}.${s.step} (priority ${s.priority}, template ${s.template}): a no-op, ironplan's ${node.interfaces.deploy} deploy interface has no such step`,
        data: { ...s },
      });
    }
  });
}
