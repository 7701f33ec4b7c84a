// `ironplan secrets rotate-key`: re-seal every stored secret under a new key (engine/secrets/rotate.ts).
import type { Command } from 'commander';

export const SECRETS_KEY_FILE_HELP = 'key sealing driver_info secrets at rest (or IRONPLAN_SECRETS_KEY_FILE; default: secrets.key beside the SQLite file, or in --state-dir for PostgreSQL)';

export function addSecretsCommand(program: Command, defaultDb: string): void {
  const secrets = program.command('secrets').description('The key that seals driver_info secrets (BMC passwords) in the database.');
  secrets
    .command('rotate-key')
    .description('Seal every stored secret under a new key, then drop the old one. Stop the services sharing the database first.')
    .option('--db <path>', 'state database: an SQLite file or a postgres:// URL', defaultDb)
    .option('--secrets-key-file <path>', SECRETS_KEY_FILE_HELP)
    .option('--state-dir <dir>', 'data directory (where the key file is for PostgreSQL)', '.ironplan')
    .option('--force', 'rotate even though a manager heartbeat was seen recently')
    .action(async (o: { db: string; secretsKeyFile?: string; stateDir: string; force?: boolean }) => {
      const { rotateKey } = await import('../secrets/rotate.js');
      const r = await rotateKey(o.db, { secretsKeyFile: o.secretsKeyFile, dataDir: o.stateDir, force: o.force });
      console.log(`secrets key rotated: ${r.retiredKids.join(', ')} -> ${r.newKid} (${r.nodes} node(s), ${r.specs} spec(s) re-sealed; key file ${r.keyFile})`);
    });
}

