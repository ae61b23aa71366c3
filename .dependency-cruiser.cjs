/**
 * The import rules of the rooms (docs/ARCHITECTURE.md, "The server's rooms"), checked by
 * tests/unit/import-rules.test.ts. Paths are relative to the folder cruised, so the same rules apply to
 * src/ and to the test's fixture tree. dependency-cruiser 17 cannot read TypeScript 7 itself (it needs the
 * compiler's JavaScript API, gone in 7), so `npx depcruise src` cruises nothing here: the test mirrors the
 * tree as JavaScript first and cruises the mirror with these rules.
 */
const SERVER = '^src/server/';
const AUDIENCE = `${SERVER}audiences/([^/]+)/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle ties two modules into one; cut it by moving the shared part down.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'audience-not-to-other-audience',
      severity: 'error',
      comment: 'An audience imports domain/, storage/, http/ and src/shared, never another audience.',
      from: { path: AUDIENCE },
      to: { path: `${SERVER}audiences/`, pathNot: `${SERVER}audiences/$1/` },
    },
    {
      name: 'domain-not-to-audiences-or-routes',
      severity: 'error',
      comment: 'The rules below the routes know no audience and no HTTP route plugin.',
      from: { path: `${SERVER}domain/` },
      to: { path: [`${SERVER}audiences/`, `${SERVER}http/.*-routes?\\.ts$`, `${SERVER}http/static-site\\.ts$`] },
    },
    {
      name: 'storage-not-to-audiences',
      severity: 'error',
      comment:
        'Storage is the floor. It may use a pure domain helper (hashing, permissions), but a domain rule that ' +
        'imports storage back is a cycle, which no-circular reports.',
      from: { path: `${SERVER}storage/` },
      to: { path: `${SERVER}audiences/` },
    },
    {
      name: 'http-not-to-audiences',
      severity: 'error',
      from: { path: `${SERVER}http/` },
      to: { path: `${SERVER}audiences/` },
    },
    {
      name: 'server-not-to-clients',
      severity: 'error',
      comment: 'The server never imports browser code.',
      from: { path: SERVER },
      to: { path: '^src/(apps|sync|sw)/' },
    },
    {
      name: 'citizen-app-not-to-back-office',
      severity: 'error',
      comment: 'The citizen bundle holds nothing of the back office or the server; src/apps/common is shared.',
      from: { path: '^src/apps/citizen/' },
      to: { path: '^src/(apps/gestao|server)/' },
    },
    {
      name: 'back-office-not-to-citizen-app',
      severity: 'error',
      from: { path: '^src/apps/gestao/' },
      to: { path: '^src/(apps/citizen|server)/' },
    },
    {
      name: 'shared-imports-only-shared',
      severity: 'error',
      comment: 'The contract runs everywhere: no import from the rest of src/.',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'sync-imports-only-shared',
      severity: 'error',
      from: { path: '^src/sync/' },
      to: { path: '^src/', pathNot: '^src/(shared|sync)/' },
    },
    {
      name: 'sw-imports-shared-and-sync',
      severity: 'error',
      from: { path: '^src/sw/' },
      to: { path: '^src/', pathNot: '^src/(shared|sync|sw)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
  },
};
