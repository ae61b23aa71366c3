/**
 * Assembles data/parts/*.json into data/sample-charter.json and validates it against the contract.
 * Used while the sample charter is written in parts; prints every invalid field with its path.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as v from 'valibot';
import { CharterSchema, FormDefinitionSchema, ServiceSchema, parseContract } from '../src/shared/schemas.ts';

const dir = new URL('../data/parts/', import.meta.url);
const read = (name: string) => (existsSync(new URL(name, dir)) ? JSON.parse(readFileSync(new URL(name, dir), 'utf8')) : undefined);
const base = read('base.json') ?? { secretariats: [], categories: [], lifeEvents: [], districts: [] };
const forms: unknown[] = read('forms.json') ?? [];
const services: unknown[] = [...(read('services-a.json') ?? []), ...(read('services-b.json') ?? [])];

let bad = 0;
const report = (label: string, fields: Record<string, string>) => {
  for (const [path, message] of Object.entries(fields)) { bad++; console.log(`${label} ${path}: ${message}`); }
};
forms.forEach((form, i) => { const r = parseContract(FormDefinitionSchema, form); if (!r.ok) report(`forms[${i}]`, r.fields); });
services.forEach((service, i) => { const r = parseContract(ServiceSchema, service); if (!r.ok) report(`services[${i}] (${(service as { id?: string }).id})`, r.fields); });

const charter = { version: '2026.11.1', publishedAt: '2026-11-20T12:00:00.000Z', municipality: 'Vitória da Conquista (BA)', ...base, services, forms };
const whole = v.safeParse(CharterSchema, charter);
if (!whole.success) for (const issue of whole.issues) { bad++; console.log(`charter ${issue.path?.map((p) => p.key).join('.')}: ${issue.message}`); }
console.log(`${services.length} services, ${forms.length} forms, ${base.secretariats.length} secretariats, ${base.districts.length} districts; ${bad} problem(s)`);
if (process.argv.includes('--write') && bad === 0) {
  writeFileSync(new URL('../data/sample-charter.json', import.meta.url), JSON.stringify(charter, null, 2) + '\n');
  console.log('wrote data/sample-charter.json');
}
process.exitCode = bad ? 1 : 0;
