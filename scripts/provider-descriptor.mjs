// Turns the provider's .proto files into the compact descriptor the runtime codec reads, so a launch
// never parses .proto text (protobufjs is a build-time tool only). Output: provider/src/generated/descriptor.json.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCALARS = new Set(['string', 'bytes', 'bool', 'int64', 'uint32', 'int32', 'uint64']);

export function buildDescriptor() {
  const pb = new protobuf.Root();
  pb.loadSync([join(root, 'provider/proto/tfplugin6.proto'), join(root, 'provider/proto/go-plugin.proto')], { keepCase: true });
  pb.resolveAll();
  const messages = {};
  const services = {};
  const walk = (ns) => {
    for (const obj of ns.nestedArray) {
      if (obj instanceof protobuf.Type) {
        messages[obj.fullName.slice(1)] = obj.fieldsArray.map((f) => {
          const out = { name: f.name, id: f.id };
          const kind = (t, resolved) => (SCALARS.has(t) ? t : resolved instanceof protobuf.Enum ? 'enum' : resolved.fullName.slice(1));
          if (f.map) {
            if (f.keyType !== 'string') throw new Error(`map key ${f.keyType} is not supported`);
            out.map = kind(f.type, f.resolvedType);
          } else out.type = kind(f.type, f.resolvedType);
          if (f.repeated) out.repeated = true;
          if (f.partOf) out.oneof = true;
          return out;
        });
      }
      if (obj instanceof protobuf.Service) {
        services[obj.fullName.slice(1)] = Object.fromEntries(
          obj.methodsArray.map((m) => [m.name, { in: m.resolvedRequestType.fullName.slice(1), out: m.resolvedResponseType.fullName.slice(1), stream: !!m.responseStream }]),
        );
      }
      if (obj.nestedArray) walk(obj);
    }
  };
  walk(pb);
  return { messages, services };
}

export function writeDescriptor() {
  const out = join(root, 'provider/src/generated/descriptor.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(buildDescriptor()) + '\n');
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stderr.write(`wrote ${writeDescriptor()}\n`);
