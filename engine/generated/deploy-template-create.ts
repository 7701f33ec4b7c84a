// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * A custom trait: a deploy asking for this trait (instance_info.traits) gets the template's steps.
 */
export type TemplateName = string;

/**
 * POST /v1/deploy_templates (Ironic API 1.55, its TEMPLATE_SCHEMA): a named list of deploy steps, applied to a deploy whose instance_info.traits name the template.
 */
export interface DeployTemplateCreate {
  uuid?: string | null;
  name: TemplateName;
  /**
   * @minItems 1
   */
  steps: [DeployStep, ...DeployStep[]];
  extra?: {
    [k: string]: unknown;
  } | null;
}
export interface DeployStep {
  /**
   * Ironic's deploying interfaces.
   */
  interface: 'power' | 'management' | 'deploy' | 'bios' | 'raid';
  step: string;
  args: {
    [k: string]: unknown;
  };
  /**
   * 0 disables the step; a numeric string is taken as its number.
   */
  priority: number | string;
}
