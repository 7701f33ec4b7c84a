// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * driver_info for fake-hardware: everything optional; knobs to simulate delays and failures.
 */
export interface FakeDriverInfo {
  /**
   * How long a power change takes.
   */
  fake_power_delay_ms?: number;
  /**
   * How long the simulated agent takes for each step.
   */
  fake_agent_delay_ms?: number;
  /**
   * Inject a failure: power calls fail, the deploy agent never calls back, the written image does not verify, the deploy agent reports an error, the BMC stops answering, the cleaning agent never calls back, the cleaning agent reports an erase error.
   */
  fake_fail?:
    | 'none'
    | 'power'
    | 'agent_timeout'
    | 'checksum_mismatch'
    | 'agent_error'
    | 'bmc_unreachable'
    | 'clean_timeout'
    | 'clean_error';
  fake_initial_power_state?: 'power on' | 'power off';
}
