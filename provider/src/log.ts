// Logs for terraform's side: JSON lines shaped like hclog's on stderr, which terraform re-emits at their
// own level under TF_LOG. stdout belongs to the handshake alone.
export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export interface Log {
  (level: Level, message: string, fields?: Record<string, unknown>): void;
}

export function makeLog(module = 'provider.ironplan', out: (line: string) => void = (l) => process.stderr.write(l)): Log {
  return (level, message, fields = {}) => {
    out(JSON.stringify({ '@level': level, '@message': message, '@module': module, '@timestamp': new Date().toISOString(), ...fields }) + '\n');
  };
}
