// The agent's JSON handling, run by the same busybox (busybox-static) the ramdisk carries.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const AGENT = join(import.meta.dirname, '..', '..', 'drivers', 'agent', 'ramdisk', 'agent.sh');

function agentSh(script: string, input = ''): string {
  return execFileSync('busybox', ['sh', '-c', `. "${AGENT}"; ${script}`], {
    input,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', IRONPLAN_AGENT_SOURCE_ONLY: '1' },
    encoding: 'utf8',
  });
}

describe('agent.sh JSON helpers', () => {
  const lookup = JSON.stringify({
    node: { instance_uuid: null, properties: { uuid: 'not-this' }, uuid: '1be26c0b-03f2-4d2e-ae87-c02d7f33c123', links: [] },
    config: { agent_token: 'Zx9_-token', heartbeat_timeout: 300 },
  });

  it('takes the node uuid (not a nested or prefixed one) and the token from the lookup answer', () => {
    expect(agentSh('json_member node uuid', lookup)).toBe('1be26c0b-03f2-4d2e-ae87-c02d7f33c123\n');
    expect(agentSh('json_member config agent_token', lookup)).toBe('Zx9_-token\n');
    expect(agentSh('json_member node agent_token', lookup)).toBe('');
    const pretty = JSON.stringify(JSON.parse(lookup), null, 2).replace('"uuid": "1be', '"uuid" :  "1be');
    expect(agentSh('json_member node uuid', pretty)).toBe('1be26c0b-03f2-4d2e-ae87-c02d7f33c123\n');
    expect(agentSh('json_member node uuid', '{"node":{"name":"a \\"q\\" {x}","uuid":"u-1"}}')).toBe('u-1\n');
    expect(agentSh('json_num heartbeat_timeout', lookup).trim()).toBe('300');
  });

  it('reads a heartbeat reply', () => {
    const reply = '{"command":"write_image","image_url":"http://10.0.2.2:8080/i.raw?a=1,b=2","image_checksum":"sha512:ABCD","root_device":"/dev/vda","heartbeat_interval":5}';
    expect(agentSh('json_str command', reply).trim()).toBe('write_image');
    expect(agentSh('json_str image_url', reply).trim()).toBe('http://10.0.2.2:8080/i.raw?a=1,b=2');
    expect(agentSh('json_str image_checksum', reply).trim()).toBe('sha512:ABCD');
    expect(agentSh('json_num heartbeat_interval', reply).trim()).toBe('5');
    expect(agentSh('json_str missing', reply)).toBe('');
  });

  it('makes error texts safe to put in a JSON string', () => {
    const out = agentSh(`json_safe "$(printf 'wget: "bad"\\\\ \\t\\nline2 \\303\\251')"`);
    expect(out).toBe('wget: bad   line2 ');
    expect(() => JSON.parse(`{"error":"${out}"}`)).not.toThrow();
  });
});

describe('agent.sh protocol client (host busybox against a local peer)', () => {
  let server: Server;
  let api: string;
  let work: string;
  const seen: Array<{ url: string; type?: string; body: string }> = [];
  let lookups = 0;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ironplan-agent-sh-'));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', type: req.headers['content-type'], body });
        if (req.url?.startsWith('/v1/lookup')) {
          lookups++;
          if (lookups === 1) return void res.writeHead(404).end();
          const token = lookups === 2 ? 'first-token' : '******';
          return void res.writeHead(200).end(JSON.stringify({ node: { uuid: 'node-1', properties: { uuid: 'x' } }, config: { agent_token: token } }));
        }
        const parsed = JSON.parse(body) as { agent_token: string };
        if (parsed.agent_token !== 'first-token') return void res.writeHead(401).end('{"error":"bad token"}');
        if (req.url === '/v1/heartbeat/node-1') return void res.writeHead(200).end('{"command":"poweroff","heartbeat_interval":7}');
        res.writeHead(500).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.close();
    await rm(work, { recursive: true, force: true });
  });

  const runAgent = async (script: string): Promise<string> => {
    const { stdout } = await promisify(execFile)('busybox', ['sh', '-c', `. "${AGENT}"; WORK=${work}; LOOKUP_DELAY=0; API=${api}; MAC=52:54:00:12:34:56; ${script}`], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', IRONPLAN_AGENT_SOURCE_ONLY: '1' },
      timeout: 20_000,
    });
    return stdout;
  };

  it('looks up (retrying a 404), keeps the one-time token, heartbeats, and stops on 401', async () => {
    const out = await runAgent(
      [
        'lookup',
        'heartbeat written \'"bytes_written":5,"image_checksum_computed":"sha256:ab"\'; echo "rc=$? cmd=$CMD iv=$INTERVAL"',
        'lookup', // the masked token of a later lookup must not replace the kept one
        'heartbeat ready; echo "rc=$? token=$TOKEN"',
        'TOKEN=stolen; heartbeat ready; echo "rc=$? status=$HTTP_STATUS"',
      ].join('; '),
    );
    expect(out).toContain('lookup: no node in a deploy state has 52:54:00:12:34:56 yet');
    expect(out).toContain('lookup: node node-1');
    expect(out).toContain('rc=0 cmd=poweroff iv=7');
    expect(out).toContain('rc=0 token=first-token');
    expect(out).toContain('rc=2 status=401');
    const hb = seen.filter((s) => s.url.startsWith('/v1/heartbeat/'));
    expect(hb[0]).toEqual({
      url: '/v1/heartbeat/node-1',
      type: 'application/json',
      body: '{"agent_token":"first-token","agent_version":"ironplan-agent 1","agent_status":"written","bytes_written":5,"image_checksum_computed":"sha256:ab"}',
    });
    expect(seen[0]!.url).toBe('/v1/lookup?addresses=52:54:00:12:34:56');
  });
});

describe('agent.sh erase_devices_metadata', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ironplan-erase-'));
  });
  afterAll(async () => rm(work, { recursive: true, force: true }));

  const MiB = 1024 * 1024;
  const pattern = (bytes: number) => Buffer.alloc(bytes, 0xaa);
  const zeros = (b: Buffer) => b.every((x) => x === 0);

  it('zeroes the first and the last MiB of each device it is given and leaves the rest alone', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const big = join(work, 'disk-a');
    const small = join(work, 'disk-b');
    const bigSize = 5 * MiB + 512; // not a multiple of a MiB, as real disks often are not
    await writeFile(big, pattern(bigSize));
    await writeFile(small, pattern(300 * 1024));
    const out = agentSh(`WORK=${work}; heartbeat() { return 0; }; DEVICES="${big} ${small}"; erase_devices; echo "status=$STATUS extra=$EXTRA"`);
    expect(out).toContain(`status=cleaned extra="erased_devices":"${big} ${small}"`);
    const a = await readFile(big);
    expect(a.length).toBe(bigSize);
    expect(zeros(a.subarray(0, MiB))).toBe(true);
    expect(zeros(a.subarray(bigSize - MiB))).toBe(true);
    expect(a.subarray(MiB, bigSize - MiB).every((x) => x === 0xaa)).toBe(true);
    const b = await readFile(small);
    expect(b.length).toBe(300 * 1024);
    expect(zeros(b)).toBe(true);
  });

  it('fails naming the device it cannot find, and erases nothing after it', () => {
    const out = agentSh(`WORK=${work}; heartbeat() { return 0; }; DEVICES="${join(work, 'missing')}"; erase_devices; echo "status=$STATUS extra=$EXTRA"`);
    expect(out).toContain(`status=failed extra="error":"erase_devices_metadata: ${join(work, 'missing')} not found"`);
  });
});

describe('agent.sh inventory (inspection)', () => {
  it('reports logical CPUs, MemTotal in MiB, the largest real disk in GiB and the architecture', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    const root = await mkdtemp(join(tmpdir(), 'ironplan-inv-'));
    try {
      await mkdir(join(root, 'proc'));
      await writeFile(join(root, 'proc', 'cpuinfo'), ['processor\t: 0', 'model name\t: x', '', 'processor\t: 1', '', 'processor\t: 2', ''].join('\n'));
      await writeFile(join(root, 'proc', 'meminfo'), 'MemTotal:        2046452 kB\nMemFree:          100000 kB\n');
      const disk = async (name: string, sectors: number) => {
        await mkdir(join(root, 'sys', 'block', name), { recursive: true });
        await writeFile(join(root, 'sys', 'block', name, 'size'), `${sectors}\n`);
      };
      await disk('vda', (20 * 1024 ** 3 + 512 * 1024 ** 2) / 512); // 20.5 GiB: reported as 20
      await disk('vdb', (4 * 1024 ** 3) / 512);
      await disk('loop0', (900 * 1024 ** 3) / 512); // not a disk
      await disk('sr0', (1024 ** 3) / 512);
      const arch = execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim();
      expect(agentSh(`PROC=${root}/proc; SYS=${root}/sys; inventory`).trim()).toBe(`"cpus":3,"memory_mb":1998,"local_gb":20,"cpu_arch":"${arch}"`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
