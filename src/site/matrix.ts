// The compatibility matrix the site shows, from results files and the history of earlier runs: one cell per
// implementation on a host kind, kernel, firewall backend and family; each cell's properties as of the newest run
// that judged it, its failed checks, and its history (when its verdicts last changed, and from what to what).
import { SELECTABLE_PROPERTIES } from '../properties/properties.ts';
import type { ResultsFile, RunInfo } from '../results/results-file.ts';
import { cellKeyOf, type ResultRow, type Verdict } from '../results/row.ts';

/** where a cell stands: an implementation judged on one host kind, kernel, firewall backend and family */
export interface CellKey {
  implementation: string;
  host: string;
  kernel: string;
  firewall: string;
  family: string;
}

/** A run as the history keeps it: when, from which commit, and each cell's verdict per property. */
export interface HistoryEntry {
  at: string;
  commit?: string;
  /** a cell's key (keyOf) → property → its verdict in that run */
  cells: Record<string, Record<string, Verdict>>;
}

export interface MatrixCell extends CellKey {
  key: string;
  properties: Record<string, Verdict>;
  /** the cell's rows that failed in the newest run that judged it */
  failed: ResultRow[];
  /** set when no run given judged it: its verdicts are the newest the history keeps, which keeps no rows */
  fromHistory?: true;
  /** when the run its verdicts come from started */
  judgedAt: string;
  /** that run's id (its results file's run.id), which its Allure tests carry as a label */
  run?: string;
  /** its verdict in each run that judged it, oldest first */
  history: Array<{ at: string; verdict: Verdict }>;
  /** the newest run in which its verdict changed, and the verdict before */
  changed?: { at: string; from: Verdict; to: Verdict };
}

export interface Matrix {
  implementations: string[];
  /** the columns: host kind, kernel, firewall, family, in a stable order */
  columns: Array<Omit<CellKey, 'implementation'>>;
  properties: string[];
  cells: MatrixCell[];
  runs: Array<Pick<RunInfo, 'startedAt' | 'commit'>>;
}

export const keyOf: (cell: CellKey) => string = cellKeyOf;
export const columnKeyOf = (cell: Omit<CellKey, 'implementation'>): string =>
  [cell.host, cell.kernel, cell.firewall, cell.family].join(' · ');

/** a cell's verdict: fail if a property failed, pass if one passed, else skip */
export function verdictOf(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('fail')) return 'fail';
  return verdicts.includes('pass') ? 'pass' : 'skip';
}

/** the rows the matrix is made of: the property suite's (a walkthrough step repeats the guide's) */
const conformanceRows = (file: ResultsFile) =>
  file.results.filter((row) => (row.origin ?? 'conformance') === 'conformance');

/** A run as a history entry: each cell's verdict per property. */
export function entryOf(file: ResultsFile): HistoryEntry {
  const cells: HistoryEntry['cells'] = {};
  for (const row of conformanceRows(file)) {
    const properties = (cells[keyOf(row)] ??= {});
    properties[row.property] = verdictOf([properties[row.property] ?? 'skip', row.verdict]);
  }
  return { at: file.run.startedAt, ...(file.run.commit ? { commit: file.run.commit } : {}), cells };
}

/** Earlier entries and new runs' in one history, oldest first; a run seen twice counts once. */
export function mergedHistory(earlier: readonly HistoryEntry[], files: readonly ResultsFile[]): HistoryEntry[] {
  const byRun = new Map<string, HistoryEntry>();
  for (const entry of [...earlier, ...files.map(entryOf)]) byRun.set(`${entry.at} ${entry.commit ?? ''}`, entry);
  return [...byRun.values()].sort((a, b) => a.at.localeCompare(b.at));
}

const byOrder = (order: readonly string[]) => (a: string, b: string) => {
  const [i, j] = [order.indexOf(a), order.indexOf(b)];
  return i === j ? a.localeCompare(b) : (i < 0 ? order.length : i) - (j < 0 ? order.length : j);
};

/** The matrix of `files` (each cell as its newest run left it) with the history it carries on. */
export function matrixOf(files: readonly ResultsFile[], history: readonly HistoryEntry[]): Matrix {
  const newestFirst = [...files].sort((a, b) => b.run.startedAt.localeCompare(a.run.startedAt));
  const cells = new Map<string, MatrixCell>();
  for (const file of newestFirst)
    for (const row of conformanceRows(file)) {
      const key = keyOf(row);
      let cell = cells.get(key);
      if (cell && cell.judgedAt !== file.run.startedAt) continue; // a newer run judged it
      if (!cell) {
        const { implementation, host, kernel, firewall, family } = row;
        cell = {
          implementation,
          host,
          kernel,
          firewall,
          family,
          key,
          properties: {},
          failed: [],
          judgedAt: file.run.startedAt,
          ...(file.run.id ? { run: file.run.id } : {}),
          history: [],
        };
        cells.set(key, cell);
      }
      cell.properties[row.property] = verdictOf([cell.properties[row.property] ?? 'skip', row.verdict]);
      if (row.verdict === 'fail') cell.failed.push(row);
    }
  // a cell the given runs did not judge (a job that did not run this time) as the history last saw it
  for (const entry of [...history].reverse())
    for (const [key, properties] of Object.entries(entry.cells)) {
      const [implementation, host, kernel, firewall, family] = key.split(' · ');
      if (cells.has(key) || family === undefined) continue;
      cells.set(key, {
        ...{ implementation: implementation!, host: host!, kernel: kernel!, firewall: firewall!, family },
        ...{ key, properties: { ...properties }, failed: [], judgedAt: entry.at, fromHistory: true, history: [] },
      });
    }
  for (const cell of cells.values()) {
    cell.history = history
      .filter((entry) => entry.cells[cell.key])
      .map((entry) => ({ at: entry.at, verdict: verdictOf(Object.values(entry.cells[cell.key]!)) }));
    const change = cell.history.findLastIndex(
      (step, index) => index > 0 && step.verdict !== cell.history[index - 1]!.verdict,
    );
    if (change > 0)
      cell.changed = {
        at: cell.history[change]!.at,
        from: cell.history[change - 1]!.verdict,
        to: cell.history[change]!.verdict,
      };
  }
  const all = [...cells.values()];
  const columns = new Map(
    all.map(({ host, kernel, firewall, family }) => [
      columnKeyOf({ host, kernel, firewall, family }),
      { host, kernel, firewall, family },
    ]),
  );
  const properties = [...new Set(all.flatMap((cell) => Object.keys(cell.properties)))];
  return {
    implementations: [...new Set(all.map((cell) => cell.implementation))].sort(),
    columns: [...columns.entries()]
      .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
      .map(([, column]) => column),
    properties: properties.sort(byOrder(SELECTABLE_PROPERTIES)),
    cells: all,
    runs: newestFirst.map(({ run }) => ({ startedAt: run.startedAt, ...(run.commit ? { commit: run.commit } : {}) })),
  };
}
