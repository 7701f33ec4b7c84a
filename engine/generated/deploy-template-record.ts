// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * A recorded deploy template (Ironic's deploy_templates, API 1.55).
 */
export interface DeployTemplateRecord {
  /**
   * A lower-case RFC 4122 UUID.
   */
  uuid: string;
  /**
   * A custom trait: a deploy asking for this trait (instance_info.traits) gets the template's steps.
   */
  name: string;
  steps: {
    interface: string;
    step: string;
    args: {
      [k: string]: unknown;
    };
    priority: number;
  }[];
  extra: {
    [k: string]: unknown;
  };
  created_at: string;
  updated_at: string | null;
}
