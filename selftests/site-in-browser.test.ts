// The site (npm run site) as a reader meets it, in headless Chromium (Debian's, unpacked into the cache): built
// from two real runs' results files (fixtures/site/: a conformance run on netns hosts with a broken script, a
// matrix run on a VM kernel), its grid shows every cell of both, a failed cell opens its checks with their why,
// a failed check opens its own Allure test, the filters hide what they should, a phone-wide screen scrolls the grid
// and not the page, a cell whose verdict changed between runs says when and from what, and a cell a later run left
// out stays as the history last saw it. Screenshots go into the Allure report.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as allure from 'allure-js-commons';
import { execa } from 'execa';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ResultsFile } from '../src/results/results-file.ts';
import type { ResultRow } from '../src/results/row.ts';
import { runTempDir } from '../src/run-temp.ts';
import { HarnessSetupError } from '../src/setup-error.ts';
import { ensureChromium } from '../src/site/chromium.ts';

const ROOT = resolve(import.meta.dirname, '..');
// NETNS_SITE_RUNS: a folder of results files to build from instead (.ci/run: its own runs, reports/runs)
const FROM = process.env.NETNS_SITE_RUNS ? resolve(process.env.NETNS_SITE_RUNS) : join(ROOT, 'fixtures/site');
const RUNS = readdirSync(FROM)
  .filter((name) => name.endsWith('.json'))
  .map((name) => join(FROM, name));
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
const dir = runTempDir('netns-conformance-site-');
let browser: Browser | undefined;
let noBrowser = '';

beforeAll(async () => {
  try {
    const it = await ensureChromium();
    browser = await chromium.launch({
      executablePath: it.executable,
      env: { ...process.env, ...it.env },
      args: it.args,
    });
  } catch (error) {
    if (!(error instanceof HarnessSetupError)) throw error;
    noBrowser = `no Chromium to drive: ${error.message}`;
  }
}, 600_000);
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function site(out: string, files: string[], flags: string[] = []): Promise<string> {
  const run = await execa(process.execPath, ['src/cli/site.ts', '--out', out, ...flags, ...files], {
    cwd: ROOT,
    reject: false,
  });
  expect(run.exitCode, run.stderr).toBe(0);
  return pathToFileURL(join(out, 'index.html')).href;
}

/** a row's cell as the page titles it, written here apart from the site's own key so that the two must agree */
const cellOf = (row: ResultRow) => [row.implementation, row.host, row.kernel, row.firewall, row.family].join(' · ');
/** the cells of the files' conformance rows, counted apart from the site's own model */
const cellsOf = (files: string[]) =>
  new Set(
    files.flatMap((path) =>
      read(path)
        .results.filter((row) => row.origin === 'conformance')
        .map(cellOf),
    ),
  );

const screenshot = async (name: string, png: Buffer) => allure.attachment(name, png, 'image/png');

describe('the site in a browser', () => {
  test('shows every cell of both runs; a failed cell opens its checks with their why', async ({ skip }) => {
    if (!browser) return skip(noBrowser);
    const url = await site(join(dir, 'both'), RUNS);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    const cells = cellsOf(RUNS);
    expect(RUNS.length, `results files in ${FROM}`).toBeGreaterThan(0);
    expect(await page.locator('td.cell').count()).toBe(cells.size);
    await screenshot('the grid', await page.screenshot({ fullPage: true }));
    const anyFailed = RUNS.some((path) => read(path).results.some((row) => row.verdict === 'fail'));
    if (!anyFailed) return expect(await page.locator('td.cell.fail').count()).toBe(0);

    const failed = page.locator('td.cell.fail a').first();
    const target = (await failed.getAttribute('href'))!;
    const details = page.locator(target);
    expect(await details.isVisible()).toBe(false); // closed until its cell is opened
    await failed.focus();
    await page.keyboard.press('Enter'); // the keyboard opens it as a click does
    await details.waitFor({ state: 'visible' }); // Playwright waits for the page to show it, however busy
    const key = (await details.locator('h2').textContent())!;
    const why = RUNS.flatMap((path) => read(path).results).find(
      (row) => row.verdict === 'fail' && cellOf(row) === key,
    )!.why!;
    expect(await details.textContent()).toContain(`why: ${why}`);
    await screenshot('a failed cell', await details.screenshot());
  });

  test('a failed check opens its own test in the Allure report made from its run', async ({ skip }) => {
    if (!browser) return skip(noBrowser);
    // a run whose one check failed, and the Allure result its test left (labelled as suites/conformance.test.ts
    // labels it); the report is made by npm run report's configuration, the page links the check to its test
    const base = read(RUNS[0]!);
    const check = base.results.find((row) => row.origin === 'conformance' && row.verdict !== 'skip')!;
    const failed: ResultRow = { ...check, verdict: 'fail', why: 'failed by the test' };
    const run: ResultsFile = { ...base, run: { ...base.run, id: 'site-link' }, results: [failed] };
    const out = join(dir, 'allure-link');
    const results = join(out, 'allure-results');
    mkdirSync(results, { recursive: true });
    writeFileSync(join(out, 'run.json'), JSON.stringify(run));
    const uuid = randomUUID();
    const name = `${failed.property}: as the test left it`;
    writeFileSync(
      join(results, `${uuid}-result.json`),
      JSON.stringify({
        uuid,
        name,
        fullName: `selftests/site-link#${name}`,
        status: 'failed',
        stage: 'finished',
        start: Date.now() - 1000,
        stop: Date.now(),
        labels: [
          { name: 'run', value: 'site-link' },
          { name: 'cell', value: cellOf(failed) },
          { name: 'implementation', value: failed.implementation },
        ],
        parameters: [{ name: 'property', value: failed.property }],
      }),
    );
    const made = await execa(
      'node_modules/.bin/allure',
      ['generate', results, '--config', 'allurerc.mjs', '--output', join(out, 'html')],
      { cwd: ROOT, reject: false, all: true },
    );
    expect(made.exitCode, made.all).toBe(0);
    const url = await site(
      join(out, 'site'),
      [join(out, 'run.json')],
      ['--allure', '../html/verdict/index.html', '--allure-results', results],
    );
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await page.locator('td.cell.fail a').first().click();
    const details = page.locator('.details:target');
    await details.waitFor();
    const link = details.locator('a', { hasText: /^Allure test: / });
    expect(await link.count()).toBe(1);
    await link.click();
    await page.getByText(name).first().waitFor({ state: 'visible' }); // the report opens on the test itself
    expect(new URL(page.url()).hash).toBe(`#${createHash('md5').update(uuid).digest('hex')}`);
    await screenshot('the Allure test a failed check opens', await page.screenshot());

    // the same check of another run: the report is not its run's, so the page names the test and links no anchor
    writeFileSync(join(out, 'other.json'), JSON.stringify({ ...run, run: { ...run.run, id: 'another' } }));
    const other = await site(
      join(out, 'other-site'),
      [join(out, 'other.json')],
      ['--allure', '../html/verdict/index.html', '--allure-results', results],
    );
    await page.goto(other);
    await page.locator('td.cell.fail a').first().click();
    await details.waitFor();
    expect(await details.locator('a', { hasText: /^Allure test: / }).count()).toBe(0);
    expect(await details.textContent()).toContain('Allure report (made from another run: its test');
  });

  test('the filters hide other implementations and kernels; without script every cell still shows', async ({
    skip,
  }) => {
    if (!browser) return skip(noBrowser);
    const url = await site(join(dir, 'filters'), RUNS);
    const page = await browser.newPage();
    await page.goto(url);
    const implementations = await page
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-implementation')!));
    expect(implementations.length).toBeGreaterThan(1);
    await page.selectOption('select[name=implementation]', implementations[0]!);
    expect(await page.locator('tbody tr:visible').count()).toBe(1);
    const kernels = await page.locator('select[name=kernel] option').allTextContents();
    await page.selectOption('select[name=implementation]', '');
    await page.selectOption('select[name=kernel]', kernels[1]!);
    for (const kernel of await page
      .locator('td:visible')
      .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-kernel'))))
      expect(kernel).toBe(kernels[1]);
    const plain = await browser.newPage({ javaScriptEnabled: false });
    await plain.goto(url);
    expect(await plain.locator('td.cell:visible').count()).toBe(cellsOf(RUNS).size);
  });

  test('on a phone-wide screen the grid scrolls inside its box and the page does not', async ({ skip }) => {
    if (!browser) return skip(noBrowser);
    const url = await site(join(dir, 'phone'), RUNS);
    const page = await browser.newPage({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2 });
    await page.goto(url);
    const widths = (await page.evaluate(
      `({ page: document.documentElement.scrollWidth, view: innerWidth,
          grid: document.querySelector('.scroll').scrollWidth })`,
    )) as { page: number; view: number; grid: number };
    expect(widths.page).toBeLessThanOrEqual(widths.view);
    expect(widths.grid).toBeGreaterThan(widths.view);
    await screenshot('on a phone', await page.screenshot());
  });

  test('a changed cell says when and from what, in its strip; one a later run left out stays as last seen', async ({
    skip,
  }) => {
    if (!browser) return skip(noBrowser);
    // a run again a day later, one cell's verdict turned: its failures passing now, or one of its passes failing
    // (the runs CI builds from all pass): the history the next page carries on
    const first = RUNS.find((path) => read(path).results.some((row) => row.verdict === 'fail')) ?? RUNS[0]!;
    const before = read(first);
    const turned = before.results.find((row) => row.origin === 'conformance' && row.verdict !== 'skip')!;
    const [from, to] = before.results.some((row) => cellOf(row) === cellOf(turned) && row.verdict === 'fail')
      ? (['fail', 'pass'] as const)
      : (['pass', 'fail'] as const);
    const later = new Date(Date.parse(before.run.startedAt) + 86_400_000).toISOString();
    const after: ResultsFile = {
      ...before,
      run: { ...before.run, startedAt: later },
      results: before.results.map((row) =>
        cellOf(row) === cellOf(turned) && row.verdict === from && (from === 'fail' || row === turned)
          ? { ...row, verdict: to, why: `turned ${from} → ${to} by the test` }
          : row,
      ),
    };
    const out = join(dir, 'history');
    await site(out, [first]);
    const again = join(dir, 'again.json');
    writeFileSync(again, JSON.stringify(after));
    const url = await site(out, [again]); // the first run comes from the history the first page left
    const page = await browser.newPage();
    await page.goto(url);
    const changed = page.locator('.details', { has: page.locator('p', { hasText: /^Changed / }) });
    expect(await changed.count()).toBe(1);
    expect(await changed.locator('h2').textContent()).toBe(cellOf(turned));
    expect(await changed.locator('p').nth(1).textContent()).toMatch(
      new RegExp(`^Changed ${later.slice(0, 10)} \\S+: ${from} → ${to}\\.$`),
    );
    const id = (await changed.getAttribute('id'))!;
    const strip = page.locator(`a[href="#${id}"] .strip .mark`);
    expect(await strip.allTextContents()).toEqual(from === 'fail' ? ['✗', '✓'] : ['✓', '✗']);
    await page.locator(`a[href="#${id}"]`).click();
    await screenshot('a cell that changed', await page.locator(`a[href="#${id}"]`).screenshot());

    // a third run that judged the turned cell alone: the others stay as the history last saw them, and say so
    const alone = join(dir, 'alone.json');
    const third = new Date(Date.parse(later) + 86_400_000).toISOString();
    const results = after.results.filter((row) => cellOf(row) === cellOf(turned));
    writeFileSync(alone, JSON.stringify({ ...after, run: { ...after.run, startedAt: third }, results }));
    await page.goto(await site(out, [alone]));
    const all = cellsOf([first]).size;
    expect(await page.locator('td.cell').count()).toBe(all);
    const old = page.locator('td.cell .verdict', { hasText: ` as of ${later.slice(0, 10)}` });
    expect(await old.count()).toBe(all - 1);
    await old.first().click();
    expect(await page.locator('.details:target').textContent()).toContain("None of this page's runs judged it");
  });
});
