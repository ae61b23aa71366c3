/** Issue 15 review: the warning that the integrity key file lies inside DATA_DIR sees every folder inside it. */
import { describe, expect, it } from 'vitest';
import { isInside } from '../../src/server/domain/integrity/key-file.ts';

describe('isInside (the key file beside the database)', () => {
  it('counts a folder whose name starts with two dots as inside', () => {
    expect(isInside('/srv/conecta/data/..chaves/integrity.key', '/srv/conecta/data')).toBe(true);
    expect(isInside('/srv/conecta/data/..chaves', '/srv/conecta/data')).toBe(true);
  });

  it('tells inside from beside and above', () => {
    expect(isInside('/srv/conecta/data', '/srv/conecta/data')).toBe(true);
    expect(isInside('/srv/conecta/data/a/b', '/srv/conecta/data')).toBe(true);
    expect(isInside('/srv/conecta/.keys/integrity.key', '/srv/conecta/data')).toBe(false);
    expect(isInside('/srv/conecta/data-keys', '/srv/conecta/data')).toBe(false);
    expect(isInside('/srv', '/srv/conecta/data')).toBe(false);
  });
});
