// Rows as text: the checks of one property or of a walkthrough step (✓/✗, probe, expected, observed, and under a
// failure its cause and a command to run it again), and the run's summary, properties as rows and cells
// (implementation, and kernel and firewall where they vary) as columns.
import { CORE_PROPERTY_IDS, inFamily, propertiesIn } from '../properties/properties.ts';
import { FAMILIES } from '../world/world.ts';
import { describeOutcome, describeProbe } from '../probes/outcome.ts';
import type { Observation } from '../probes/reachability.ts';
import type { ResultRow, Verdict } from '../results/row.ts';

function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column]!) : cell))
      .join('  ')
      .trimEnd(),
  );
}

const MARK: Record<Verdict, string> = { pass: '✓', fail: '✗', skip: '-' };

/** What a checks table shows of a row. */
export type CheckLine = Pick<ResultRow, 'verdict' | 'probe' | 'expected' | 'observed' | 'why' | 'reproduce'>;

/** A field as RFC 4180 quotes it: in double quotes when it holds a comma, a quote or a line break. */
const csvField = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/** The checks as CSV, which the Allure report shows as a table whose columns do not wrap into each other. */
export function checksCsv(rows: readonly CheckLine[]): string {
  const header = ['verdict', 'probe', 'expected', 'observed', 'why', 'reproduce'];
  const lines = rows.map((row) => [
    row.verdict,
    row.probe,
    row.expected,
    row.observed,
    row.why ?? '',
    row.reproduce ?? '',
  ]);
  return `${[header, ...lines].map((line) => line.map(csvField).join(',')).join('\n')}\n`;
}

export function checksTable(rows: readonly CheckLine[]): string {
  const lines = columns([
    [' ', 'probe', 'expected', 'observed'],
    ...rows.map((row) => [MARK[row.verdict], row.probe, row.expected, row.observed]),
  ]);
  return [
    lines[0]!,
    ...rows.flatMap((row, index) => [
      lines[index + 1]!,
      ...(row.why && row.verdict === 'fail' ? [`   why: ${row.why}`] : []),
      ...(row.reproduce ? [`   reproduce (while its host is up): ${row.reproduce}`] : []),
    ]),
  ].join('\n');
}

/** A walkthrough step's observations as check lines (a mismatch with the command that runs it again). */
export function observationLines(observations: readonly Observation[]): CheckLine[] {
  return observations.map((o) => ({
    verdict: o.matches ? 'pass' : 'fail',
    probe: describeProbe(o.probe),
    expected: o.expect,
    observed: describeOutcome(o.result.outcome),
    ...(o.matches ? {} : { reproduce: o.result.reproduce }),
  }));
}

/** A property's verdict for one implementation: fail if any row failed, skip if all skipped. */
function verdictOf(rows: readonly ResultRow[]): Verdict | undefined {
  if (rows.length === 0) return undefined;
  if (rows.some((row) => row.verdict === 'fail')) return 'fail';
  return rows.every((row) => row.verdict === 'skip') ? 'skip' : 'pass';
}

/**
 * A row's column: its implementation, and its kernel and firewall where the run has more than one of them (the
 * kernel always on vm hosts: it is what the run chose).
 */
function cellLabeller(rows: readonly ResultRow[]): (row: ResultRow) => string {
  const several = (key: 'kernel' | 'firewall') => new Set(rows.map((row) => row[key])).size > 1;
  const [kernels, firewalls] = [several('kernel') || rows.some((row) => row.host === 'vm'), several('firewall')];
  return (row) =>
    [row.implementation, ...(kernels ? [row.kernel] : []), ...(firewalls ? [row.firewall] : [])].join(' · ');
}

/** A row's property as the table names it: "1-bridge", and "1-bridge in IPv6" for its IPv6 twin. */
export const propertyOf = (row: Pick<ResultRow, 'property' | 'family'>): string =>
  `${row.property}${inFamily(row.family)}`;

/** beyond this many cells the table turns: cells as rows, properties as columns (a kernel matrix stays readable) */
const MOST_COLUMNS = 4;

/** The truth table's cells: a header row, then a row per property with each cell's verdict (or turned). */
export function verdictGrid(rows: readonly ResultRow[]): string[][] {
  const labelOf = cellLabeller(rows);
  const cells = [...new Set(rows.map(labelOf))];
  // the guide's four in each family the rows speak (IPv4 always: it is every run's), then any other the rows name
  const families = FAMILIES.filter((family) => family === 'ipv4' || rows.some((row) => row.family === family));
  const properties = [
    ...new Set([...propertiesIn(families, CORE_PROPERTY_IDS).map(propertyOf), ...rows.map(propertyOf)]),
  ];
  const verdict = (cell: string, property: string) =>
    verdictOf(rows.filter((r) => labelOf(r) === cell && propertyOf(r) === property)) ?? '';
  if (cells.length > MOST_COLUMNS)
    return [
      ['cell', ...properties],
      ...cells.map((cell) => [cell, ...properties.map((property) => verdict(cell, property))]),
    ];
  return [
    ['property', ...cells],
    ...properties.map((property) => [property, ...cells.map((cell) => verdict(cell, property))]),
  ];
}

/** "3-egress: ping a → 8.8.8.8: expected reachable, observed timeout — <why>" */
export function causeLine(row: ResultRow): string {
  return (
    `${propertyOf(row)}: ` +
    `${row.probe === '-' ? '' : `${row.probe}: expected ${row.expected}, observed ${row.observed} — `}` +
    `${row.why ?? ''}`
  );
}

/** Properties x implementations, then one line per failed check with its cause. */
export function summaryTable(rows: readonly ResultRow[]): string {
  const labelOf = cellLabeller(rows);
  const causes = rows
    .filter((row) => row.verdict !== 'pass')
    .map((row) => `${MARK[row.verdict]} ${labelOf(row)} ${causeLine(row)}`);
  return [...columns(verdictGrid(rows)), ...(causes.length ? ['', ...causes] : [])].join('\n');
}
