import { DriverError } from '../types.js';

/** A failed ipmitool call, and whether trying again could help. */
export interface ClassifiedFailure {
  error: DriverError;
  transient: boolean;
}

/**
 * ipmitool prints "Unable to establish IPMI v2 / RMCP+ session" both for a wrong password and for a
 * BMC that never answers; only its verbose (-v) lines tell them apart. Measured with ipmitool 1.8.19
 * against ipmi_sim (openipmi 2.0.33):
 *   wrong password      -> "RAKP 2 HMAC is invalid"                              (~0.05 s)
 *   unknown user        -> "RAKP 2 message indicates an error : unauthorized name"
 *   bad cipher suite    -> "Error in open session response message : invalid authentication algorithm"
 *   nothing listening   -> "Get Auth Capabilities error" / "Error issuing Get Channel Authentication
 *                          Capabilities request" (only after ipmitool's own -N/-R retransmissions)
 *   unresolvable host   -> "Address lookup for HOST failed"
 */
const WRONG_USER_PATTERNS: readonly RegExp[] = [/unauthorized name/i, /invalid user ?name/i];
const WRONG_PASSWORD_PATTERNS: readonly RegExp[] = [
  /RAKP \d HMAC is invalid/i,
  /RAKP \d message indicates an error/i,
  /invalid (?:password|role)/i,
  /Activate Session error/i,
];
const CIPHER_PATTERNS: readonly RegExp[] = [/invalid (?:authentication|integrity|confidentiality) algorithm/i, /no matching cipher suite/i];
const UNREACHABLE_PATTERNS: readonly RegExp[] = [
  /Get Auth Capabilities error/i,
  /Error issuing Get Channel Authentication Capabilities/i,
  /Address lookup for .* failed/i,
  /Could not open socket/i,
  /No response from remote controller/i,
  /insufficient resources for session/i,
  /Unable to establish IPMI v2 \/ RMCP\+ session/i,
];

export function classifyFailure(bmc: string, stderr: string, exitCode: number | null, cipherSuite: number): ClassifiedFailure {
  const detail = meaningfulLines(stderr);
  if (WRONG_USER_PATTERNS.some((p) => p.test(stderr))) {
    return { error: new DriverError('BmcAuthFailed', `BMC ${bmc} does not know the IPMI user name: ${detail}`, 'ipmi_username'), transient: false };
  }
  if (WRONG_PASSWORD_PATTERNS.some((p) => p.test(stderr))) {
    return { error: new DriverError('BmcAuthFailed', `BMC ${bmc} rejected the IPMI password: ${detail}`, 'ipmi_password'), transient: false };
  }
  if (CIPHER_PATTERNS.some((p) => p.test(stderr))) {
    return {
      error: new DriverError('BmcAuthFailed', `BMC ${bmc} does not accept IPMI cipher suite ${cipherSuite}: ${detail}`, 'ipmi_cipher_suite'),
      transient: false,
    };
  }
  // Checked last: the generic "Unable to establish ... session" line also ends every auth failure.
  if (UNREACHABLE_PATTERNS.some((p) => p.test(stderr))) {
    return { error: new DriverError('BmcUnreachable', `BMC ${bmc} is unreachable over IPMI (lanplus): ${detail}`), transient: true };
  }
  return {
    error: new DriverError('DriverOperationError', `ipmitool failed against BMC ${bmc} (exit ${exitCode ?? 'signal'}): ${detail || 'no error output'}`),
    transient: false,
  };
}

export function timeoutFailure(bmc: string, timeoutSec: number): ClassifiedFailure {
  return { error: new DriverError('BmcUnreachable', `BMC ${bmc} did not answer within ${timeoutSec} s (ipmitool killed)`), transient: true };
}

/** Drops ipmitool's verbose chatter so error messages keep only what explains the failure. */
function meaningfulLines(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.replace(/^>\s*/, '').trim())
    .filter((l) => l && !/^(Loading IANA PEN Registry|Running Get VSO|Discovered IPMB|Invalid completion code received: Invalid command|Password:)/i.test(l))
    .join('; ');
}
