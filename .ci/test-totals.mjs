// Adds up the JUnit reports of the CI's test runs into the one plain closing line CI reads:
// "total: N passed, N failed, N skipped". argv: junit.xml files.
import { readFileSync } from 'node:fs';

let passed = 0,
  failed = 0,
  skipped = 0;
for (const file of process.argv.slice(2)) {
  for (const [, attributes] of readFileSync(file, 'utf8').matchAll(/<testsuite\s([^>]*)>/g)) {
    const count = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(attributes)?.[1] ?? 0);
    const bad = count('failures') + count('errors');
    failed += bad;
    skipped += count('skipped');
    passed += count('tests') - bad - count('skipped');
  }
}
console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped`);
