// iPXE scripts, as pure functions of their inputs so they can be checked without firmware.

// The chain script is the boot root's entry point, shared with the HTTP service through the contract.
export { renderChainScript, macToHexhyp, nodeScriptName } from '../../contract/boot-root.js';
import { macToHexhyp } from '../../contract/boot-root.js';

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export interface DeployScriptOptions {
  kernelUrl: string;
  initrdUrl: string;
  apiUrl: string;
  /** The MAC of the port the script is for: the agent looks itself up by it (BOOTIF). */
  mac: string;
  /** Extra kernel command line (driver_info.kernel_append_params). */
  extraArgs?: string;
  /** The agent boot this ramdisk is for: the agent gives it on lookup, so a stale boot is refused. */
  bootId?: string;
  /** PEM of the CA the agent verifies an https API with, when the ramdisk was not built with it (ipa-api-ca=). */
  apiCa?: string;
}

/**
 * x86 Linux keeps 2048 bytes of command line in all: a CA passed there must leave room for the rest. A
 * single P-256 CA certificate takes about 900; an RSA one or a bundle belongs in the ramdisk (--ca-file).
 */
export const MAX_API_CA_ARG = 1200;

/** `ipa-api-ca=<base64 of the PEM>`: the agent decodes it and trusts it for https, over the baked-in CA. */
export function apiCaKernelArg(pem: string): string {
  const arg = `ipa-api-ca=${Buffer.from(pem.trim() + '\n').toString('base64')}`;
  if (arg.length > MAX_API_CA_ARG) {
    throw new Error(
      `ipa-api-ca: the CA takes ${arg.length} bytes of kernel command line (at most ${MAX_API_CA_ARG}); bake it into the ramdisk with \`ironplan ramdisk build --ca-file\``,
    );
  }
  return arg;
}

/** Kernel command line of the deploy ramdisk: what the agent reads from /proc/cmdline. */
export function deployKernelArgs(o: Pick<DeployScriptOptions, 'apiUrl' | 'mac' | 'extraArgs' | 'bootId' | 'apiCa'>): string {
  const args = [`ipa-api-url=${trimSlash(o.apiUrl)}`, `BOOTIF=01-${macToHexhyp(o.mac)}`, 'console=ttyS0,115200'];
  if (o.bootId) args.push(`ipa-boot-id=${o.bootId}`);
  if (o.apiCa) args.push(apiCaKernelArg(o.apiCa));
  const extra = o.extraArgs?.trim();
  if (extra) args.push(extra.replace(/[\r\n]+/g, ' '));
  return args.join(' ');
}

/**
 * Under UEFI, iPXE hands the kernel's EFI stub its images as files: the stub loads only the initrd the
 * command line names (`initrd=<name>`), so the initramfs is fetched under a fixed name and named there.
 * BIOS boots ignore the argument.
 */
const INITRD_NAME = 'initrd';

export function renderDeployScript(o: DeployScriptOptions): string {
  return [
    '#!ipxe',
    `# ironplan: deploy ramdisk for ${o.mac.toLowerCase()}`,
    `kernel ${o.kernelUrl} initrd=${INITRD_NAME} ${deployKernelArgs(o)} || goto failed`,
    `initrd --name ${INITRD_NAME} ${o.initrdUrl} || goto failed`,
    'boot || goto failed',
    ':failed',
    // Leaving lets the machine fall through to its next boot device; the deploy then times out
    // waiting for the agent and is reported, rather than looping here unseen.
    'echo ironplan: could not boot the deploy ramdisk',
    'exit 1',
    '',
  ].join('\n');
}

/**
 * Boot the instance from the local disk. `exit` hands back to the firmware, which tries the next
 * boot device; `sanboot` boots the first BIOS disk directly, for firmware whose boot order has
 * nothing after the network.
 */
export function renderLocalBootScript(method: 'exit' | 'sanboot' = 'sanboot'): string {
  const lines = ['#!ipxe', '# ironplan: boot the deployed instance from the local disk'];
  if (method === 'sanboot') lines.push('sanboot --no-describe --drive 0x80 || exit');
  else lines.push('exit');
  return lines.join('\n') + '\n';
}
