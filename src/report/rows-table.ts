// Rows as text: the checks of one property (✓/✗, probe, expected, observed, and under a failure its cause and
// a command to run it again), and the run's summary, properties as rows and implementations as columns.
import { PROPERTY_IDS } from '../properties/properties.ts';
import type { ResultRow, Verdict } from '../results/row.ts';

function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column]!) : cell)).join('  ').trimEnd());
}

const MARK: Record<Verdict, string> = { pass: '✓', fail: '✗', skip: '-' };

export function checksTable(rows: readonly ResultRow[]): string {
  const lines = columns([[' ', 'probe', 'expected', 'observed'], ...rows.map((row) => [MARK[row.verdict], row.probe, row.expected, row.observed])]);
  return [lines[0]!, ...rows.flatMap((row, index) => [
    lines[index + 1]!,
    ...(row.why && row.verdict === 'fail' ? [`   why: ${row.why}`] : []),
    ...(row.reproduce ? [`   reproduce (while its host is up): ${row.reproduce}`] : []),
  ])].join('\n');
}

/** A property's verdict for one implementation: fail if any row failed, skip if all skipped. */
function verdictOf(rows: readonly ResultRow[]): Verdict | undefined {
  if (rows.length === 0) return undefined;
  if (rows.some((row) => row.verdict === 'fail')) return 'fail';
  return rows.every((row) => row.verdict === 'skip') ? 'skip' : 'pass';
}

/** The truth table's cells: a header row, then a row per property with each implementation's verdict. */
export function verdictGrid(rows: readonly ResultRow[]): string[][] {
  const implementations = [...new Set(rows.map((row) => row.implementation))];
  const properties = [...PROPERTY_IDS, ...new Set(rows.map((row) => row.property).filter((p) => !PROPERTY_IDS.includes(p as never)))];
  return [
    ['property', ...implementations],
    ...properties.map((property) => [property, ...implementations.map((implementation) => verdictOf(rows.filter((r) => r.implementation === implementation && r.property === property)) ?? '')]),
  ];
}

/** "3-egress: ping a → 8.8.8.8: expected reachable, observed timeout — <why>" */
export function causeLine(row: ResultRow): string {
  return `${row.property}: ${row.probe === '-' ? '' : `${row.probe}: expected ${row.expected}, observed ${row.observed} — `}${row.why ?? ''}`;
}

/** Properties x implementations, then one line per failed check with its cause. */
export function summaryTable(rows: readonly ResultRow[]): string {
  const causes = rows.filter((row) => row.verdict !== 'pass').map((row) => `${MARK[row.verdict]} ${row.implementation} ${causeLine(row)}`);
  return [...columns(verdictGrid(rows)), ...(causes.length ? ['', ...causes] : [])].join('\n');
}
