// `npm run github-summary`, for GitHub Actions: the truth table of reports/conformance.json as Markdown in the
// job summary ($GITHUB_STEP_SUMMARY, else standard output), and each failed check as an error annotation.
import { appendFileSync, existsSync } from 'node:fs';
import { CONFORMANCE_JSON } from '../report/conformance-reporter.ts';
import { causeLine, propertyOf, verdictGrid } from '../report/rows-table.ts';
import { readResults } from '../results/results-file.ts';

if (!existsSync(CONFORMANCE_JSON)) {
  console.error(`github-summary: no ${CONFORMANCE_JSON}; run npm test or npm run conformance first`);
  process.exit(2);
}
const results = (() => {
  try {
    return readResults(CONFORMANCE_JSON).results;
  } catch (error) {
    console.error(`github-summary: ${(error as Error).message}`);
    process.exit(2);
  }
})();
const [header, ...grid] = verdictGrid(results);
const cell = (text: string) => text.replaceAll('|', '\\|');
const failed = results.filter((row) => row.verdict === 'fail');
const markdown = [
  `### Conformance (${results.length} probes)`,
  '',
  `| ${header!.map(cell).join(' | ')} |`,
  `| ${header!.map(() => '---').join(' | ')} |`,
  ...grid.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ...(failed.length ? ['', ...failed.map((row) => `- **${cell(row.implementation)}** ${cell(causeLine(row))}`)] : []),
  '',
].join('\n');
if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
else process.stdout.write(markdown);
// workflow commands: one line each, with %, CR and LF escaped as GitHub asks
const escape = (text: string) => text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
for (const row of failed)
  console.log(
    `::error title=` +
      `${escape(`${row.implementation} lacks ${propertyOf(row)}`)
        .replaceAll(',', '%2C')
        .replaceAll('::', '%3A%3A')}` +
      `::${escape(causeLine(row))}`,
  );
