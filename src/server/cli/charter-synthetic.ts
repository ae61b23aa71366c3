/**
 * `npm run charter:synthetic -- --services 5000 [--out FILE] [--seed N]`: a large, valid, deterministic
 * charter for benchmarks. Reuses the sample charter's secretariats, categories, districts and forms and
 * varies copies of its services.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CharterSchema, type Charter, type Service } from '../../shared/contract/charter.ts';
import { parseContract } from '../../shared/contract/parse.ts';
import { readCharterFile } from '../domain/charter-file.ts';
import { seededRandom } from '../../shared/seeded-random.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const PLACES = ['no Centro', 'no Bairro Brasil', 'nas Candeias', 'no Recreio', 'na Patagônia', 'no Alto Maron', 'na Urbis IV', 'no Zabelê', 'na Jurema', 'em Iguá', 'em Inhobim', 'em José Gonçalves', 'no Pradoso', 'em Veredinha'];
const QUALIFIERS = ['urgente', 'agendado', 'para idosos', 'para empresas', 'para a zona rural', 'com visita técnica', 'pela internet', 'itinerante'];

function syntheticCharter(base: Charter, services: number, seed: number): Charter {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const out: Service[] = [];
  for (let i = 0; i < services; i++) {
    const template = base.services[i % base.services.length]!;
    const place = pick(PLACES);
    const qualifier = pick(QUALIFIERS);
    const secretariat = next() < 0.7 ? template.secretariatId : pick(base.secretariats).id;
    out.push({
      ...template,
      id: `${template.id}-${String(i + 1).padStart(5, '0')}`.slice(0, 80),
      name: `${template.name} ${qualifier} ${place}`.slice(0, 200),
      popularNames: [...template.popularNames, `${template.popularNames[0] ?? template.name} ${qualifier}`.slice(0, 200)],
      keywords: [...template.keywords, place.split(' ').slice(1).join(' '), qualifier].map((k) => k.slice(0, 80)),
      description: `${template.description} Atendimento ${qualifier} ${place}.`.slice(0, 500),
      secretariatId: secretariat,
      deadline: { ...template.deadline, max: template.deadline.max + Math.floor(next() * 5) },
    });
  }
  return { ...base, version: `synthetic-${services}-${seed}`, services: out };
}

const { values } = parseArgs({ options: { services: { type: 'string', default: '5000' }, out: { type: 'string' }, seed: { type: 'string', default: '1' } } });
const count = Number(values.services);
const seed = Number(values.seed);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
  console.error('Uso: npm run charter:synthetic -- --services 5000 [--out ARQUIVO] [--seed 1]');
  process.exit(2);
}
const source = resolve(ROOT, 'data/sample-charter.json');
const base = readCharterFile(source);
if (!base.ok) throw new Error(`${source} is not a valid charter`);
const charter = syntheticCharter(base.charter, count, seed);
const checked = parseContract(CharterSchema, charter);
if (!checked.ok) throw new Error(`Generated charter is invalid: ${JSON.stringify(checked.fields)}`);
const out = resolve(values.out ?? resolve(ROOT, 'data/synthetic-charter.json'));
mkdirSync(dirname(out), { recursive: true });
const json = JSON.stringify(charter);
writeFileSync(out, json);
console.log(`Wrote ${out}: ${count} services from ${source.replace(ROOT, '')}, ${(Buffer.byteLength(json) / 1e6).toFixed(1)} MB.`);
