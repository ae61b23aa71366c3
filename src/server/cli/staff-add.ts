/**
 * `npm run staff:add -- --email … --name … --role … [--role …] [--secretariat …]`: creates a staff account
 * (the first admin, typically) and prints a one-time link to choose its password (valid 24 hours). The
 * rest of the accounts are made from the back office's admin page.
 */
import { parseArgs } from 'node:util';
import { NewAccountSchema } from '../../shared/contract/staff.ts';
import { parseContract } from '../../shared/contract/parse.ts';
import { createAccount, createResetToken, findAccountByEmail } from '../storage/accounts.ts';
import { audit } from '../domain/audit.ts';
import { openCliStorage } from './open-cli-storage.ts';

const { values } = parseArgs({
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', multiple: true },
    secretariat: { type: 'string', multiple: true },
    url: { type: 'string', default: process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 8080}` },
  },
});

const parsed = parseContract(NewAccountSchema, { email: values.email ?? '', name: values.name ?? '', roles: values.role ?? [], secretariats: values.secretariat ?? [] });
if (!parsed.ok) {
  console.error('Uso: npm run staff:add -- --email pessoa@prefeitura --name "Nome" --role admin [--role gestor] [--secretariat obras]');
  for (const [path, message] of Object.entries(parsed.fields)) console.error(`  ${path}: ${message}`);
  process.exit(2);
}

const storage = await openCliStorage();
try {
  if (await findAccountByEmail(storage, parsed.value.email)) {
    console.error(`Já existe uma conta com o e-mail ${parsed.value.email}.`);
    process.exitCode = 1;
  } else {
    const account = await createAccount(storage, parsed.value);
    const { token, expiresAt } = await createResetToken(storage, account.id, account.id);
    await audit(storage, { accountId: null, sessionId: null }, 'account_created_cli', { target: account.id });
    console.log(`Conta criada: ${account.name} <${account.email}> (${account.roles.join(', ')}).`);
    console.log(`Abra este link para escolher a senha (vale até ${expiresAt.toISOString()}; aparece só agora):`);
    console.log(`${values.url}/gestao/senha#${token}`);
  }
} finally {
  await storage.close();
}
