// The pieces of the agent's TLS, on the host: the agent's https client (agent.sh under busybox, with the
// host's curl) against a real HTTPS server, the CA on the kernel command line, the ELF NEEDED reader the
// ramdisk build copies curl's libraries by, and the --ca-file check.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elfNeeded, readCaBundle } from '../../drivers/agent/ramdisk-tls.js';
import { apiCaKernelArg, deployKernelArgs, MAX_API_CA_ARG } from '../../drivers/ipxe/scripts.js';
import { issueServer, makeCa } from './agent-tls-pki.js';

const AGENT = join(import.meta.dirname, '..', '..', 'drivers', 'agent', 'ramdisk', 'agent.sh');
const run = promisify(execFile);

let dir: string;
let ca: { cert: string; key: string };
let other: { cert: string; key: string };
let server: Server;
let url: string;
const posted: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ironplan-agent-tls-'));
  ca = makeCa(dir, 'ca');
  other = makeCa(dir, 'other');
  const leaf = issueServer(dir, ca);
  server = createServer({ cert: readFileSync(leaf.cert), key: readFileSync(leaf.key) }, (req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method === 'POST') posted.push(`${req.headers['content-type']} ${body}`);
      if (req.url === '/cd.iso') res.writeHead(200).end(Buffer.alloc(4096));
      else if (req.url === '/v1/missing') res.writeHead(404).end('{"error":"no"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"command":"wait"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs agent.sh's functions under the host busybox; the host's curl stands in for the ramdisk's. */
async function agent(script: string): Promise<string> {
  const { stdout } = await run('busybox', ['sh', '-c', `. "${AGENT}"; WORK=${dir}; ${script}`], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', IRONPLAN_AGENT_SOURCE_ONLY: '1' },
  });
  return stdout;
}

describe("agent.sh's https client", () => {
  it('talks to a server its CA signed, GET and POST, and reads HTTP errors', async () => {
    expect(await agent(`CA_FILE=${ca.cert}; http GET ${url}/v1/lookup && cat "$WORK/resp"; echo " $HTTP_STATUS"`)).toBe('{"command":"wait"} 200\n');
    expect(await agent(`CA_FILE=${ca.cert}; http POST ${url}/v1/heartbeat/x '{"a":1}'; echo "$? $HTTP_STATUS"`)).toBe('0 200\n');
    expect(posted).toEqual(['application/json {"a":1}']);
    expect(await agent(`CA_FILE=${ca.cert}; http GET ${url}/v1/missing; echo "$? $HTTP_STATUS"`)).toBe('1 404\n');
  });

  it('refuses a server another CA signed, or any server without a CA, saying so and sending nothing', async () => {
    const wrong = await agent(`CA_FILE=${other.cert}; http POST ${url}/v1/heartbeat/x '{"b":2}'; echo "$? $HTTP_STATUS"`);
    expect(wrong).toMatch(new RegExp(`TLS certificate verification failed for ${url.replace(/\./g, '\\.')} \\(CA: ${other.cert}\\): curl: \\(60\\) SSL certificate problem: [^\\n]*; nothing was sent\\n1 tls\\n$`));
    // curl's default bundle path: what a ramdisk without a CA has nothing at (pointed at a missing file here).
    const none = await agent(`CURL_CA_BUNDLE=${dir}/none.pem; CA_FILE=; export CURL_CA_BUNDLE; http GET ${url}/v1/lookup; echo "$? $HTTP_STATUS"`);
    expect(none).toMatch(/CA: none; build the ramdisk with --ca-file or pass ipa-api-ca=\): curl: \(77\).*\n1 tls\n$/);
    expect(posted).not.toContain('application/json {"b":2}');
  });

  it('fetches the config drive over https with the same CA check', async () => {
    const disk = join(dir, 'disk.raw');
    writeFileSync(disk, Buffer.alloc(4 << 20));
    const cd = (caFile: string) =>
      agent(`. "${join(AGENT, '..', 'configdrive.sh')}"; CA_FILE=${caFile}; write_configdrive ${disk} 1048576 ${url}/cd.iso || echo "ERR $CD_ERROR"`);
    // Downloaded, then refused for what the disk lacks: the https fetch itself went through.
    expect(await cd(ca.cert)).toBe('ERR the image has no partition table to add the partition to\n');
    expect(await cd(other.cert)).toMatch(/^ERR download failed: curl: \(60\) SSL certificate problem/);
  });

  it('reads ipa-api-ca= back into the PEM it came from', async () => {
    const pem = readFileSync(ca.cert, 'utf8');
    const arg = apiCaKernelArg(pem);
    expect(deployKernelArgs({ apiUrl: url, mac: '52:54:00:00:00:01', apiCa: pem })).toContain(` ${arg}`);
    // What setup_ca does with the argument's value, by the same busybox base64.
    const decoded = await agent(`printf '%s' '${arg.slice('ipa-api-ca='.length)}' | base64 -d`);
    expect(decoded.trim()).toBe(pem.trim());
  });

  it('refuses a CA too large for the kernel command line, pointing at --ca-file', () => {
    const bundle = [ca.cert, other.cert, ca.cert].map((p) => readFileSync(p, 'utf8')).join('');
    expect(() => apiCaKernelArg(bundle)).toThrow(new RegExp(`at most ${MAX_API_CA_ARG}\\); bake it into the ramdisk with \`ironplan ramdisk build --ca-file\``));
  });
});

describe('ramdisk TLS build pieces', () => {
  it("reads an ELF file's NEEDED libraries as readelf does", () => {
    const expected = [...execFileSync('readelf', ['-d', '/usr/bin/curl'], { encoding: 'utf8' }).matchAll(/\(NEEDED\)\s+Shared library: \[(.*)\]/g)].map((m) => m[1]);
    expect(expected.length).toBeGreaterThan(0);
    expect(elfNeeded(readFileSync('/usr/bin/curl'), 'curl')).toEqual(expected);
    expect(() => elfNeeded(Buffer.from('#!/bin/sh\n'.padEnd(80)), 'script')).toThrow('script is not a 64-bit little-endian ELF file');
  });

  it('takes the certificates of a --ca-file and refuses a file without a valid one', async () => {
    const bundle = await readCaBundle(ca.cert);
    expect(bundle.toString()).toBe(readFileSync(ca.cert, 'utf8').trim() + '\n');
    writeFileSync(join(dir, 'key-only.pem'), readFileSync(ca.key));
    await expect(readCaBundle(join(dir, 'key-only.pem'))).rejects.toThrow(/key-only\.pem: no PEM certificate/);
    writeFileSync(join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    await expect(readCaBundle(join(dir, 'broken.pem'))).rejects.toThrow(/broken\.pem: certificate 1 does not parse/);
    await expect(readCaBundle(join(dir, 'absent.pem'))).rejects.toThrow(/--ca-file .*absent\.pem: cannot read it/);
  });
});
