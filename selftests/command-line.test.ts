// The command line (`npx netns-conformance`) and the results it leaves: --help names every flag with its default,
// a wrong flag or implementation is one line and exit 2 with the last run's reports untouched, the exit code
// tells conformant, not conformant, bad input and a broken harness apart, and a results file is read only in the
// shape this harness writes.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, test } from 'vitest';
import { EXIT, exitCodeOf } from '../src/cli/exit-code.ts';
import { skippedRow } from '../src/properties/judge.ts';
import { withSkipReasons } from '../src/report/junit-whole.ts';
import { checksCsv } from '../src/report/rows-table.ts';
import { readResults, SCHEMA_VERSION, type ResultsFile } from '../src/results/results-file.ts';
import type { ResultRow } from '../src/results/row.ts';
import { writeAtomically } from '../src/results/write-atomically.ts';
import { runTempDir } from '../src/run-temp.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = ['bin/netns-conformance.mjs'];
const dir = runTempDir('netns-conformance-cli-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (args: string[]) => execa(process.execPath, [...CLI, ...args], { cwd: ROOT, reject: false });

describe('npx netns-conformance', () => {
  test('--help prints every flag with the variable it sets and its default, and exits 0', async () => {
    const help = await cli(['--help']);
    expect(help.exitCode).toBe(0);
    for (const [flag, variable] of [
      ['impl', 'NETNS_IMPL'],
      ['host', 'NETNS_HOST'],
      ['kernels', 'NETNS_KERNELS'],
      ['firewalls', 'NETNS_FIREWALLS'],
      ['families', 'NETNS_FAMILIES'],
      ['properties', 'NETNS_PROPERTIES'],
      ['keep', 'NETNS_KEEP'],
    ])
      expect(help.stdout).toMatch(new RegExp(`--${flag} VALUE .*\\n +\\(${variable}; default: [^)]+\\)`));
    expect(help.stdout).toMatch(/--test PATTERN/);
    expect(help.stdout).toMatch(/--junit-file PATH .*default: reports\/junit\.xml/);
    expect(help.stdout).toMatch(/exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 /);
  });

  test.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--impl'], /'--impl <value>' argument missing/],
    [['--impl', 'bogus'], /NETNS_IMPL has unknown implementation "bogus"; known: guide, /],
    [['--host', 'moon'], /NETNS_HOST=moon is not a host backend/],
  ])("%j is one line and exit 2, and the last run's JUnit report stays as it was", async (args, says) => {
    const junit = join(dir, `${args.join('_')}.xml`);
    writeFileSync(junit, '<testsuites name="the last run"/>\n');
    const run = await cli(['--junit-file', junit, ...args]);
    expect(run.exitCode, run.stderr).toBe(EXIT.badInput);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^\n?netns-conformance: /);
    expect(run.stderr).toMatch(says);
    expect(readFileSync(junit, 'utf8')).toBe('<testsuites name="the last run"/>\n');
    expect(readdirSync(dir).filter((name) => name.includes('.partial-'))).toEqual([]);
  });
});

const row = (verdict: ResultRow['verdict'], observed = 'reachable (0.1 ms)'): ResultRow => ({
  implementation: 'guide',
  host: 'netns',
  kernel: '6.18',
  firewall: 'iptables-nft',
  property: '1-bridge',
  family: 'ipv4',
  probe: 'ping a → 192.168.0.1',
  expected: 'reachable',
  observed,
  verdict,
});
const file = (...results: ResultRow[]): ResultsFile => ({
  schemaVersion: SCHEMA_VERSION,
  run: { startedAt: new Date(0).toISOString(), durationMs: 1, tools: {}, settings: {} },
  results,
  kept: [],
});

describe('the exit code, from the run and its own results file', () => {
  test.each([
    ['every row passes or skips', 0, file(row('pass'), row('skip', 'not judged')), EXIT.conformant],
    ['a property failed', 1, file(row('pass'), row('fail', 'timeout')), EXIT.notConformant],
    [
      'an implementation could not be built',
      1,
      file(skippedRow(row('fail'), { property: '1-bridge', family: 'ipv4' }, 'its set-up script exited 1', 'fail')),
      EXIT.badInput,
    ],
    ['a property failed whose check says "not built"', 1, file(row('fail', 'not built')), EXIT.notConformant],
    ['the run stopped on bad input before it wrote', 2, undefined, EXIT.badInput],
    ['the run crashed before it wrote', 1, undefined, EXIT.harnessFailed],
    ['a test broke with every row passing', 1, file(row('pass')), EXIT.harnessFailed],
  ])('%s', (_, vitestCode, results, expected) => {
    expect(exitCodeOf(vitestCode, results)).toBe(expected);
  });
});

describe('the results file', () => {
  test('is replaced whole, and read only in the shape this harness writes, else one line says why', () => {
    const path = join(dir, 'reports', 'conformance.json');
    mkdirSync(join(dir, 'reports'), { recursive: true });
    writeAtomically(path, `${JSON.stringify(file(row('pass')))}\n`);
    expect(readResults(path).results).toHaveLength(1);
    expect(readdirSync(join(dir, 'reports'))).toEqual(['conformance.json']);
    writeFileSync(path, JSON.stringify({ results: [row('pass')], kept: [] }));
    expect(() => readResults(path)).toThrow(
      /has schemaVersion undefined, this harness reads 1; run npm run conformance/,
    );
  });
});

describe('the reports a reader opens', () => {
  test("JUnit: a testcase skipped with a reason keeps it; one skipped without, or another file's, stays bare", () => {
    const report = [
      '<testcase classname="suites/a.test.ts" name="4-inbound &lt;b&gt;" time="0.1">',
      '    <skipped/>',
      '</testcase>',
      '<testcase classname="suites/b.test.ts" name="4-inbound &lt;b&gt;" time="0.1">',
      '    <skipped/>',
      '</testcase>',
    ].join('\n');
    const notes = new Map([['suites/a.test.ts\x004-inbound &lt;b&gt;', 'publishes no port: "none" & <none>']]);
    expect(withSkipReasons(report, notes).split('\n')).toEqual([
      '<testcase classname="suites/a.test.ts" name="4-inbound &lt;b&gt;" time="0.1">',
      '    <skipped message="publishes no port: &quot;none&quot; &amp; &lt;none&gt;"/>',
      '</testcase>',
      '<testcase classname="suites/b.test.ts" name="4-inbound &lt;b&gt;" time="0.1">',
      '    <skipped/>',
      '</testcase>',
    ]);
  });

  test('Allure: the checks as CSV, a field with a comma, a quote or a line break quoted', () => {
    const csv = checksCsv([
      {
        verdict: 'fail',
        probe: 'ping a → 8.8.8.8',
        expected: 'reachable',
        observed: 'timeout',
        why: 'rule 1 "-j DROP", policy',
      },
    ]);
    expect(csv.split('\n')).toEqual([
      'verdict,probe,expected,observed,why,reproduce',
      'fail,ping a → 8.8.8.8,reachable,timeout,"rule 1 ""-j DROP"", policy",',
      '',
    ]);
  });
});
