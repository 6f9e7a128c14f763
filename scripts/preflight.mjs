// Checks that must pass before vitest starts, each a one-line error that names the fix (exit 2):
// Node 24 (vitest 5 and type stripping need it; under Node 20 execa fails deep inside with a stack trace), and
// a checkout this user can write (vite bundles the config into node_modules/.vite-temp before any of ours runs).
// Run as npm's pretest, and imported by vitest.config.ts so that `npx vitest run` gets the same check.
import { accessSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const testCommand = 'PATH="$PWD/.tools/node/bin:$PATH" npm test';

function stop(problem) {
  console.error(`\nnetns-conformance: ${problem}\n`);
  process.exit(2);
}

const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  stop(
    `needs Node 24, this is ${process.version} (${process.execPath}); ` +
      `put .tools/node/bin first on PATH: ${testCommand} (scripts/setup installs it)`,
  );
}
// the checkout's node_modules, or the one the harness was installed into from its tarball
const installed = root.lastIndexOf('/node_modules/');
const nodeModules = installed >= 0 ? root.slice(0, installed + '/node_modules'.length) : join(root, 'node_modules');
try {
  accessSync(nodeModules, constants.W_OK);
} catch (error) {
  const user = process.getuid?.() === 0 ? 'root' : `uid ${process.getuid?.()}`;
  stop(
    error.code === 'ENOENT'
      ? `node_modules is missing; run the set-up first: sudo scripts/setup`
      : `${user} cannot write node_modules (scripts/setup ran as root); ` +
          `run the tests as root too: sudo -E env "PATH=$PWD/.tools/node/bin:$PATH" npm test`,
  );
}
