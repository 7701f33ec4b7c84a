// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * One step of a manual clean (Ironic's clean_steps): an interface's step, with its arguments.
 */
export interface CleanStep {
  /**
   * The interface that offers the step, e.g. deploy.
   */
  interface: string;
  /**
   * The step's name, e.g. erase_devices_metadata.
   */
  step: string;
  args?: {
    [k: string]: unknown;
  };
}
