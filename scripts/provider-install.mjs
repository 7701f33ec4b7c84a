// npm run provider:install [-- --mirror DIR] — installs the provider without a registry: builds it and
// writes a filesystem-mirror layout terraform init understands, then prints the CLI configuration to use.
//   <mirror>/registry.terraform.io/ironplan/ironplan/<version>/<os>_<arch>/terraform-provider-ironplan_v<version>
// The executable is a launcher with absolute paths (init may copy or symlink it into .terraform/).
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProvider } from './provider-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = 'registry.terraform.io';
const NAMESPACE = 'ironplan';
const TYPE = 'ironplan';

export function platform() {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'windows', freebsd: 'freebsd' }[process.platform] ?? process.platform;
  const arch = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' }[process.arch] ?? process.arch;
  return `${os}_${arch}`;
}

export async function install(mirror) {
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const entry = await buildProvider({ quiet: true });
  const dir = join(mirror, HOST, NAMESPACE, TYPE, version, platform());
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, `terraform-provider-${TYPE}_v${version}`);
  const q = (s) => `'${s.replaceAll("'", "'\\''")}'`;
  writeFileSync(exe, `#!/bin/sh\n# ironplan Terraform provider ${version} (written by npm run provider:install)\nexec ${q(process.execPath)} ${q(entry)} "$@"\n`);
  chmodSync(exe, 0o755);
  return { exe, version, mirror };
}

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The default is terraform's implied local mirror, which needs no CLI configuration at all.
  const mirror = resolve(arg('--mirror') ?? join(homedir(), '.terraform.d', 'plugins'));
  const { exe, version } = await install(mirror);
  const source = `${HOST}/${NAMESPACE}/${TYPE}`;
  process.stdout.write(`installed ${exe}

In your configuration:
  terraform {
    required_providers {
      ironplan = { source = "${NAMESPACE}/${TYPE}", version = "${version}" }
    }
  }

Then either run \`terraform init -plugin-dir=${mirror}\`, or put this in your CLI configuration
(~/.terraformrc, or the file TF_CLI_CONFIG_FILE names) and run \`terraform init\`:

provider_installation {
  filesystem_mirror {
    path    = "${mirror}"
    include = ["${source}"]
  }
  direct {
    exclude = ["${source}"]
  }
}
`);
}
