/**
 * `npm run staff:grant -- --email … --role … [--role …] [--secretariat …]`: adds roles (and secretariats)
 * to an existing account from the server's command line. This is how a city with a single admin grants
 * admin, controladoria or ouvidoria (the back office needs a second admin to approve those). The audit log
 * records it as done by the command line; the account's sessions end so the new roles apply at sign-in.
 */
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { parseContract } from '../../shared/contract/parse.ts';
import { NewAccountSchema } from '../../shared/contract/staff.ts';
import { grantFromCommandLine } from '../domain/grants.ts';
import { openCliStorage } from './open-cli-storage.ts';

const { values } = parseArgs({
  options: {
    email: { type: 'string' },
    role: { type: 'string', multiple: true },
    secretariat: { type: 'string', multiple: true },
  },
});

const GrantSchema = v.strictObject({
  email: NewAccountSchema.entries.email,
  roles: NewAccountSchema.entries.roles,
  secretariats: NewAccountSchema.entries.secretariats,
});
const parsed = parseContract(GrantSchema, { email: values.email ?? '', roles: values.role ?? [], secretariats: values.secretariat ?? [] });
if (!parsed.ok) {
  console.error('Uso: npm run staff:grant -- --email pessoa@prefeitura --role controladoria [--role admin] [--secretariat obras]');
  for (const [path, message] of Object.entries(parsed.fields)) console.error(`  ${path}: ${message}`);
  process.exit(2);
}

const storage = await openCliStorage();
try {
  const account = await grantFromCommandLine(storage, parsed.value.email, parsed.value.roles, parsed.value.secretariats);
  if (!account) {
    console.error(`Não há conta com o e-mail ${parsed.value.email}.`);
    process.exitCode = 1;
  } else {
    console.log(`Papéis de ${account.name} <${account.email}> agora: ${account.roles.join(', ')}. Registrado no log de auditoria como feito pela linha de comando.`);
  }
} finally {
  await storage.close();
}
