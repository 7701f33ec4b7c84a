// Prints a plan for people, much as `terraform plan` does: a symbol per action, the fields that differ.
import type { Plan, PlanAction } from './generated/plan.js';

export const SYMBOL: Record<PlanAction['op'], string> = {
  enroll: '+',
  deploy: '+',
  add_port: '+',
  delete: '-',
  undeploy: '-',
  forget: '-',
  remove_port: '-',
  update: '~',
  update_port: '~',
  rebuild: '~',
  manage: '~',
  provide: '~',
  power_on: '~',
  power_off: '~',
  set_maintenance: '~',
  unset_maintenance: '~',
};

export const VERB: Record<PlanAction['op'], string> = {
  enroll: 'will be enrolled',
  deploy: 'will be deployed',
  add_port: 'gets a new port',
  delete: 'will be deleted',
  undeploy: 'will be undeployed',
  forget: 'will be forgotten',
  remove_port: 'loses a port',
  update: 'will be updated in place',
  update_port: 'has a port updated',
  rebuild: 'will be rebuilt in place',
  manage: 'will be made manageable',
  provide: 'will be made available',
  power_on: 'will be powered on',
  power_off: 'will be powered off',
  set_maintenance: 'will be put in maintenance',
  unset_maintenance: 'will leave maintenance',
};

const show = (v: unknown): string => (v === undefined || v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v));

export function formatPlan(plan: Plan, opts: { color?: boolean } = {}): string {
  const c = (code: number, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const colorOf = (sym: string) => (sym === '+' ? 32 : sym === '-' ? 31 : 33);
  if (plan.actions.length === 0) {
    return 'No changes. The recorded state matches the specs: nothing to do.\n';
  }
  const lines: string[] = ['ironplan will perform the following actions:', ''];
  for (const a of plan.actions) {
    const sym = SYMBOL[a.op];
    const detail = a.params?.address ? ` ${a.params.address}` : '';
    lines.push(`  # ${a.resource}.${a.name} ${VERB[a.op]}${detail}${a.op === 'deploy' && !a.node ? ' (node known after apply)' : ''}`);
    lines.push(c(colorOf(sym), `  ${sym} ${a.op} ${a.resource} "${a.name}"${a.node && a.node !== a.name ? ` on node ${a.node}` : ''}`));
    for (const r of a.reasons) {
      const note = r.note ? `  # ${r.note}` : '';
      if ('desired' in r || 'recorded' in r) lines.push(`      ${r.field}: ${show(r.recorded)} -> ${show(r.desired)}${note}`);
      else lines.push(`      ${r.field}${note}`);
    }
    if (a.depends_on.length) lines.push(c(90, `      after: ${a.depends_on.join(', ')}`));
    lines.push('');
  }
  const s = plan.summary;
  lines.push(`Plan: ${s.create} to add, ${s.update} to change, ${s.delete} to destroy (${s.actions} actions).`);
  return lines.join('\n') + '\n';
}
