// The matrix as one static HTML page (no server, no framework, nothing fetched): a grid of implementation against
// host kind · kernel · firewall · family, each cell its verdict, its properties' marks and its history strip,
// linking to its failed checks (why, reproduce line, the Allure test), which open in place (:target).
import { inFamily } from '../properties/properties.ts';
import type { ResultRow, Verdict } from '../results/row.ts';
import type { Family } from '../world/world.ts';
import { allureAnchor } from './allure-tests.ts';
import { columnKeyOf, type Matrix, type MatrixCell } from './matrix.ts';
import { PAGE_SCRIPT } from './page-script.ts';
import { PAGE_STYLE } from './page-style.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string): string => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
/** HTML from a template whose every interpolated string is escaped; nested html`` results are kept as they are */
class Html {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}
export function html(parts: TemplateStringsArray, ...values: Array<string | number | Html | Html[]>): Html {
  const piece = (value: string | number | Html | Html[]): string =>
    value instanceof Html ? value.text : Array.isArray(value) ? value.map(piece).join('') : escape(String(value));
  return new Html(parts.reduce((text, part, index) => text + piece(values[index - 1]!) + part));
}

const MARK: Record<Verdict, string> = { pass: '✓', fail: '✗', skip: '–' };
const WORD: Record<Verdict, string> = { pass: 'passes', fail: 'fails', skip: 'skipped' };
const FROM_HISTORY =
  "None of this page's runs judged it: its verdicts are the newest in the history, which keeps no checks; " +
  "that run's own results file and report have them.";
const day = (at: string) => at.slice(0, 16).replace('T', ' ');
const anchorOf = (index: number) => `cell-${index + 1}`;
const shortProperty = (property: string) => property.split('-')[0]!;

export interface PageOptions {
  /** where the Allure report is, relative to the page: each failed check links to its test there */
  allure?: string;
  /** the report's anchor of each test of the run it was made from (allureTests); a check not in it names its test */
  allureTests?: ReadonlyMap<string, string>;
  generatedAt: string;
}

function marks(cell: MatrixCell, properties: readonly string[]): Html {
  const judged = properties.filter((property) => cell.properties[property]);
  return html`<span class="marks">${judged.map((property) => {
    const verdict = cell.properties[property]!;
    return html`<span class="mark ${verdict}" data-property="${property}" title="${property} ${WORD[verdict]}"
      >${MARK[verdict]}${shortProperty(property)}<span class="sr"> ${property} ${WORD[verdict]}</span></span>`;
  })}</span>`;
}

function strip(cell: MatrixCell): Html {
  const recent = cell.history.slice(-10);
  const changed = cell.changed
    ? html`<span class="sr">changed ${day(cell.changed.at)} from ${cell.changed.from} to ${cell.changed.to}</span>`
    : html``;
  return html`<span class="strip" aria-label="history">${recent.map(
    (step) =>
      html`<span class="mark ${step.verdict}" title="${day(step.at)}: ${step.verdict}">${MARK[step.verdict]}</span>`,
  )}${changed}</span>`;
}

function cellHtml(cell: MatrixCell | undefined, index: number, properties: readonly string[], kernel: string): Html {
  if (!cell) return html`<td data-kernel="${kernel}"><span class="sr">not judged</span></td>`;
  const verdict = Object.values(cell.properties).includes('fail')
    ? 'fail'
    : Object.values(cell.properties).includes('pass')
      ? 'pass'
      : 'skip';
  const label = cell.fromHistory
    ? `${MARK[verdict]} ${verdict} as of ${cell.judgedAt.slice(0, 10)}`
    : cell.failed.length
      ? `${MARK.fail} ${cell.failed.length} failed`
      : `${MARK[verdict]} ${verdict}`;
  return html`<td class="cell ${verdict}" data-kernel="${kernel}"><a href="#${anchorOf(index)}"
    ><span class="verdict">${label}</span>${marks(cell, properties)}${strip(cell)}</a></td>`;
}

type AllureOptions = Pick<PageOptions, 'allure' | 'allureTests'>;

/** its own test in the report when the report was made from the cell's run, else the report and the test's name */
function allureLink(row: ResultRow, cell: MatrixCell, { allure, allureTests }: AllureOptions): Html {
  if (!allure) return html``;
  const test = `${row.implementation} has ${row.property}${inFamily(row.family as Family)}`;
  const anchor = allureTests && allureAnchor(allureTests, cell, row);
  return anchor
    ? html`<br><a href="${allure}#${anchor}">Allure test: ${test}</a>`
    : html`<br><a href="${allure}">Allure report</a> (made from another run: its test ${test} is not there)`;
}

function failedCheck(row: ResultRow, cell: MatrixCell, allure: AllureOptions): Html {
  return html`<li><strong>${row.property}</strong>: ${row.probe}: expected ${row.expected}, observed ${row.observed}
    ${row.why ? html`<br><span>why: <code>${row.why}</code></span>` : html``}
    ${row.reproduce ? html`<br><span>reproduce: <code>${row.reproduce}</code></span>` : html``}
    ${allureLink(row, cell, allure)}</li>`;
}

function detailsHtml(cell: MatrixCell, index: number, allure: AllureOptions): Html {
  const changed = cell.changed
    ? html`<p>Changed ${day(cell.changed.at)}: ${cell.changed.from} → ${cell.changed.to}.</p>`
    : html`<p>Unchanged in the ${cell.history.length} run(s) on record.</p>`;
  const properties = Object.entries(cell.properties).map(([property, verdict]) => `${property} ${WORD[verdict]}`);
  const checks = cell.fromHistory
    ? html`<p>${FROM_HISTORY}</p>`
    : cell.failed.length
      ? html`<ol>${cell.failed.map((row) => failedCheck(row, cell, allure))}</ol>`
      : html`<p>No failed check.</p>`;
  return html`<section class="details" id="${anchorOf(index)}" tabindex="-1">
    <h2>${cell.key}</h2><p>Judged ${day(cell.judgedAt)}: ${properties.join(', ')}.</p>${changed}

    ${checks}
    <p><a href="#grid">back to the grid</a></p></section>`;
}

const options = (label: string, name: string, values: readonly string[]) =>
  html`<label>${label}<select name="${name}"><option value="">all</option>${values.map(
    (value) => html`<option>${value}</option>`,
  )}</select></label>`;

export function renderPage(matrix: Matrix, { allure, allureTests, generatedAt }: PageOptions): string {
  const at = new Map(matrix.cells.map((cell, index) => [cell.key, { cell, index }]));
  const kernels = [...new Set(matrix.columns.map((column) => column.kernel))];
  const rows = matrix.implementations.map(
    (implementation) =>
      html`<tr data-implementation="${implementation}"><th scope="row">${implementation}</th>${matrix.columns.map(
        (column) => {
          const found = at.get(`${implementation} · ${columnKeyOf(column)}`);
          return cellHtml(found?.cell, found?.index ?? 0, matrix.properties, column.kernel);
        },
      )}</tr>`,
  );
  const newest = matrix.runs[0];
  const from = newest
    ? `, the newest ${day(newest.startedAt)}${newest.commit ? ` at ${newest.commit.slice(0, 12)}` : ''}`
    : '';
  const heading = (column: Matrix['columns'][number]) =>
    html`<th scope="col" data-kernel="${column.kernel}"
      >${column.host}<br>${column.kernel}<br>${column.firewall}<br>${column.family}</th>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>netns-conformance: the compatibility matrix</title><style>${new Html(PAGE_STYLE)}</style></head>
<body><header><h1>Container bridge networking: the compatibility matrix</h1>
<p>${matrix.cells.length} cells from ${matrix.runs.length} run(s)${from}; generated ${day(generatedAt)}.
Each cell is one implementation on one host kind, kernel, firewall backend and address family: its verdict, its
properties (✓ passes, ✗ fails, – skipped, by number), and its last runs, oldest first. Open a cell for its failed
checks.</p></header>
<form class="filters" hidden aria-label="filters">${options('Implementation', 'implementation', matrix.implementations)}
${options('Kernel', 'kernel', kernels)}${options('Property', 'property', matrix.properties)}</form>
<div class="scroll"><table id="grid">
<caption class="sr">implementations against host kind, kernel, firewall and family</caption>
<thead><tr><th scope="col">implementation</th>${matrix.columns.map(heading)}</tr></thead>
<tbody>${rows}</tbody></table></div>
${matrix.cells.map((cell, index) => detailsHtml(cell, index, { allure, allureTests }))}
<script>${new Html(PAGE_SCRIPT)}</script></body></html>
`.text;
}
