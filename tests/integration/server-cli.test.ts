import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, dropSchema, evaluation, FIXTURE_CHARTER_FILE, potholeRequest, VALID_CPF, type Backend } from '../support/server.ts';
import { OUTBOX_EXPORT_FORMAT } from '../../src/shared/contract/outbox-export.ts';
import { openStorage } from '../../src/server/storage/open.ts';
import { getSubmissionStatus } from '../../src/server/storage/submission-store.ts';
import type { Storage } from '../../src/server/storage/types.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface CliResult { code: number; stdout: string; stderr: string }

describe.each(BACKENDS)('server CLIs on %s', (backend: Backend) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let schema: string | undefined;

  const run = (script: string, ...args: string[]) => new Promise<CliResult>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server/cli', script), ...args], { cwd: ROOT, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });

  /** Opens the CLI's database for a look; PGlite allows one process at a time, so close it after. */
  const withStorage = async <T>(fn: (storage: Storage) => Promise<T>): Promise<T> => {
    const storage = await openStorage({ dataDir: dir, databaseUrl: env.DATABASE_URL, schema });
    try {
      return await fn(storage);
    } finally {
      await storage.close();
    }
  };
  const currentVersion = () => withStorage(async (s) => (await s.query<{ version: string }>('SELECT version FROM charter_versions ORDER BY id DESC LIMIT 1')).rows[0]?.version);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'conecta-cli-'));
    schema = backend === 'postgres' ? `test_cli_${randomBytes(5).toString('hex')}` : undefined;
    env = { ...process.env, DATA_DIR: dir, DATABASE_URL: backend === 'postgres' ? process.env.TEST_DATABASE_URL : '', DATABASE_SCHEMA: schema ?? '' };
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (schema) await dropSchema(schema);
  });

  it('charter:import installs a valid charter, refuses an invalid one with every path, and changes nothing then', async () => {
    const ok = await run('charter-import.ts', fileURLToPath(FIXTURE_CHARTER_FILE));
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('fixture-1');
    expect(await currentVersion()).toBe('fixture-1');

    const charter = JSON.parse(readFileSync(FIXTURE_CHARTER_FILE, 'utf8'));
    charter.version = 'broken';
    charter.services[0].secretariatId = 'secretaria-inexistente';
    charter.services[1].deadline.unit = 'weeks';
    delete charter.services[2].description;
    charter.forms[0].fields[0].type = 'signature';
    const invalidFile = join(dir, 'invalid.json');
    writeFileSync(invalidFile, JSON.stringify(charter));
    const refused = await run('charter-import.ts', invalidFile);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('nada foi alterado');
    expect(refused.stderr).toMatch(/services\.1\.deadline\.unit: Valor não aceito/);
    expect(refused.stderr).toMatch(/services\.2\.description: Campo obrigatório ausente\./);
    expect(refused.stderr).toMatch(/forms\.0\.fields\.0\.type: /);
    expect(await currentVersion()).toBe('fixture-1');

    // A valid charter whose form changed under the same version number is refused too.
    const tampered = JSON.parse(readFileSync(FIXTURE_CHARTER_FILE, 'utf8'));
    tampered.version = 'tampered';
    tampered.forms[0].title = 'Outro título';
    const tamperedFile = join(dir, 'tampered.json');
    writeFileSync(tamperedFile, JSON.stringify(tampered));
    const conflict = await run('charter-import.ts', tamperedFile);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('forms.tapa-buraco (versão 1)');
    expect(await currentVersion()).toBe('fixture-1');
  });

  it('outbox:import stores files and submissions through the API\'s acceptance, idempotently, printing no answers', async () => {
    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1]), randomBytes(500)]);
    const hash = createHash('sha256').update(photo).digest('hex');
    const withPhoto = potholeRequest({
      answers: { ...(potholeRequest().answers as object), fotos: [hash] },
      attachments: [{ sha256: hash, type: 'image/jpeg', size: photo.length, fieldId: 'fotos' }],
    });
    const plain = evaluation();
    const invalid = potholeRequest({ answers: { nome: 'Joana Pereira', cpf: '111.111.111-11' } });
    const exportFile = join(dir, 'outbox.json');
    writeFileSync(exportFile, JSON.stringify({
      format: OUTBOX_EXPORT_FORMAT,
      version: 1,
      exportedAt: new Date().toISOString(),
      submissions: [withPhoto, plain, invalid],
      attachments: [{ sha256: hash, type: 'image/jpeg', size: photo.length, base64: photo.toString('base64') }],
    }));

    const first = await run('outbox-import.ts', exportFile);
    expect(first.code).toBe(1);
    const protocolOf = (out: string, id: unknown) => out.match(new RegExp(`${id as string}: (accepted|duplicate) (\\d{4}-\\d{6})`))?.[2];
    expect(first.stdout).toMatch(new RegExp(`${withPhoto.id as string}: accepted \\d{4}-\\d{6}`));
    expect(first.stdout).toMatch(new RegExp(`${plain.id as string}: accepted`));
    expect(first.stdout).toMatch(new RegExp(`${invalid.id as string}: rejected invalid_answers \\[.*cpf.*\\]`));

    const second = await run('outbox-import.ts', exportFile);
    expect(second.stdout).toMatch(new RegExp(`${withPhoto.id as string}: duplicate`));
    expect(protocolOf(second.stdout, withPhoto.id)).toBe(protocolOf(first.stdout, withPhoto.id));
    expect(protocolOf(second.stdout, plain.id)).toBe(protocolOf(first.stdout, plain.id));

    for (const output of [first.stdout, first.stderr, second.stdout]) {
      for (const secret of ['Maria', 'Joana', VALID_CPF, '111.111.111-11', '98888-7777', 'Buraco']) expect(output).not.toContain(secret);
    }
    const count = await withStorage(async (s) => (await s.query<{ n: number }>('SELECT count(*)::int AS n FROM submissions')).rows[0]!.n);
    expect(count).toBe(2);
  });

  it('submission:status moves a submission and records the note', async () => {
    const submission = evaluation();
    const exportFile = join(dir, 'one.json');
    writeFileSync(exportFile, JSON.stringify({ format: OUTBOX_EXPORT_FORMAT, version: 1, exportedAt: new Date().toISOString(), submissions: [submission], attachments: [] }));
    expect((await run('outbox-import.ts', exportFile)).code).toBe(0);
    const moved = await run('submission-status.ts', submission.id as string, 'answered', 'Obrigado pela avaliação.');
    expect(moved.code, moved.stderr).toBe(0);
    const status = await withStorage((s) => getSubmissionStatus(s, submission.id as string));
    expect(status?.status).toBe('answered');
    expect(status?.history.at(-1)).toMatchObject({ status: 'answered', note: 'Obrigado pela avaliação.' });
    expect((await run('submission-status.ts', submission.id as string, 'lost')).code).toBe(2);
    expect((await run('submission-status.ts', crypto.randomUUID(), 'done')).code).toBe(1);
  });
});
