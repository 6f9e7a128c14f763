// npm's pretest: the suites need Node 24 (vitest 5, type stripping). Say so in one line, with the fix.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  console.error(`\nnetns-conformance: needs Node 24, this is ${process.version} (${process.execPath}); put .tools/node/bin first on PATH: PATH="$PWD/.tools/node/bin:$PATH" npm test (scripts/setup installs it)\n`);
  process.exit(2);
}
