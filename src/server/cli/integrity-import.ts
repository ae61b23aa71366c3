/**
 * `npm run integrity:import -- FILE.json`: validates the Code of Ethics and Integrity Plan document and
 * installs it as the current one. An invalid file changes nothing; every problem is printed with its path.
 */
import { installContent, readContentFile } from '../domain/integrity/content.ts';
import { openCliStorage } from './open-cli-storage.ts';

const file = process.argv[2];
if (!file) {
  console.error('Uso: npm run integrity:import -- ARQUIVO.json');
  process.exit(2);
}
const read = readContentFile(file);
if (!read.ok) {
  console.error(`${file} não é um Código de Ética e Plano de Integridade válido:`);
  for (const [path, message] of Object.entries(read.fields)) console.error(`  ${path}: ${message}`);
  process.exit(1);
}
const storage = await openCliStorage();
try {
  const result = await installContent(storage, read.content);
  console.log(result.installed ? `Instalada a versão ${result.version}.` : `A versão ${result.version} já era a atual: nada mudou.`);
} finally {
  await storage.close();
}
