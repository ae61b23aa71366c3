/**
 * `npm run charter:import -- FILE.json`: validates a charter and installs it as the new current version.
 * An invalid file changes nothing; every problem is printed with its JSON path.
 */
import { readCharterFile } from '../domain/charter-file.ts';
import { FormVersionConflictError, installCharter } from '../storage/charter-store.ts';
import { openCliStorage } from './open-cli-storage.ts';

const file = process.argv[2];
if (!file) {
  console.error('Uso: npm run charter:import -- ARQUIVO.json');
  process.exit(2);
}

const read = readCharterFile(file);
if (!read.ok) {
  const problems = Object.entries(read.fields);
  console.error(`A Carta de Serviços em ${file} tem ${problems.length} problema(s); nada foi alterado:`);
  for (const [path, message] of problems) console.error(`  ${path}: ${message}`);
  process.exit(1);
}

const storage = await openCliStorage();
try {
  const installed = await installCharter(storage, read.charter);
  console.log(installed.installed
    ? `Carta de Serviços ${installed.version} instalada: ${read.charter.services.length} serviços, ${installed.newFormVersions} nova(s) versão(ões) de formulário.`
    : `A Carta de Serviços ${installed.version} já é a versão atual; nada mudou.`);
} catch (error) {
  if (!(error instanceof FormVersionConflictError)) throw error;
  console.error('Nada foi alterado: um formulário mudou sem mudar o número da versão.');
  for (const { formId, version } of error.conflicts) console.error(`  forms.${formId} (versão ${version}): já instalado com outro conteúdo; use a versão ${version + 1}.`);
  process.exitCode = 1;
} finally {
  await storage.close();
}
