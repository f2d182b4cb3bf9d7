// npm run cli -- <command>
//   tokens create --role <admin|support|accountant> --name <label>   prints the token as the last line
//   tokens list | tokens revoke <id>
//   users create --email <e> --role <role> [--name <n>] [--password-stdin]
//   keys rotate    re-encrypts stored credentials under ENCRYPTION_KEY (old keys in ENCRYPTION_OLD_KEYS)
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { createApiTokens } from '../auth/api-tokens.js';
import { isRole, ROLES } from '../auth/roles.js';
import { createUsers } from '../auth/users.js';
import { loadConfig } from '../config/config.js';
import { type CredentialsCipher, createCredentialsCipher } from '../crypto/credentials-cipher.js';
import { rotateCredentialKeys } from '../crypto/rotate-keys.js';
import { createDatabase } from '../db/client.js';

export class UsageError extends Error {
  readonly code = 'CLI_USAGE';
}

type Io = { out: (line: string) => void; readPassword: (fromStdin: boolean) => Promise<string> };

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await rl.question('password: ');
  } finally {
    rl.close();
  }
}

function requireRole(value: string | undefined) {
  if (!value || !isRole(value)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  return value;
}

export async function runCli(argv: string[], deps: { databaseUrl: string; io: Io; cipher?: CredentialsCipher }): Promise<void> {
  const [group, action, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  const db = createDatabase({ url: deps.databaseUrl, poolSize: 2, statementTimeoutMs: 10_000, connectTimeoutMs: 5_000 });
  try {
    if (group === 'tokens' && action === 'create') {
      const role = requireRole(values.role);
      if (!values.name) throw new UsageError('--name <label> is required');
      const created = await createApiTokens({ prisma: db.prisma }).create({ role, name: values.name, createdBy: 'cli' });
      deps.io.out(`created ${role} token "${values.name}" (id ${created.id}); it is shown only once:`);
      deps.io.out(created.token);
    } else if (group === 'tokens' && action === 'list') {
      for (const token of await createApiTokens({ prisma: db.prisma }).list()) {
        deps.io.out(`${token.id}  ${token.role.padEnd(10)} ${token.prefix}…  ${token.name}${token.revokedAt ? '  (revoked)' : ''}`);
      }
    } else if (group === 'tokens' && action === 'revoke') {
      const id = positionals[0];
      if (!id) throw new UsageError('usage: tokens revoke <id>');
      deps.io.out((await createApiTokens({ prisma: db.prisma }).revoke(id)) ? `revoked ${id}` : `no active token ${id}`);
    } else if (group === 'users' && action === 'create') {
      const role = requireRole(values.role);
      if (!values.email?.includes('@')) throw new UsageError('--email <address> is required');
      const password = await deps.io.readPassword(values['password-stdin'] ?? false);
      const user = await createUsers({ prisma: db.prisma }).create({ email: values.email, role, password, name: values.name ?? '' });
      deps.io.out(`created ${user.role} user ${user.email} (id ${user.id})`);
    } else if (group === 'keys' && action === 'rotate') {
      if (!deps.cipher) throw new UsageError('keys rotate needs ENCRYPTION_KEY and ENCRYPTION_OLD_KEYS');
      const outcome = await rotateCredentialKeys({ prisma: db.prisma, cipher: deps.cipher });
      deps.io.out(`re-encrypted ${outcome.reEncrypted}, already current ${outcome.alreadyCurrent}, failed ${outcome.failed.length}`);
      for (const failure of outcome.failed) deps.io.out(`  ${failure.id}: ${failure.reason}`);
      if (outcome.failed.length > 0) throw new Error('some credentials could not be decrypted: is the old key in ENCRYPTION_OLD_KEYS?');
    } else {
      throw new UsageError(
        'usage: cli tokens create --role <role> --name <label> | tokens list | tokens revoke <id> | users create --email <e> --role <role> [--password-stdin] | keys rotate',
      );
    }
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const config = loadConfig();
    const { key, keyId, oldKeys } = config.encryption;
    await runCli(process.argv.slice(2), {
      databaseUrl: config.database.url,
      io: { out: (line) => console.log(line), readPassword },
      ...(key ? { cipher: createCredentialsCipher({ key, keyId, oldKeys }) } : {}),
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}
