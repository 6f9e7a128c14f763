// vitest's JUnit report, written whole or not at all: vitest's own reporter empties its file when the run starts,
// so a run that stops on bad input left a 0-byte reports/junit.xml in place of the last one. This one writes
// beside it and renames when the run ends (write-atomically.ts); a run that ends early removes its partial file.
// A test skipped with a reason keeps it: vitest writes a bare <skipped/>, this one <skipped message="…"/>.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { JUnitReporter, type JUnitOptions, type TestModule } from 'vitest/node';
import { partialOf } from '../results/write-atomically.ts';
import { CHECKOUT } from '../checkout.ts';

const XML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (text: string) => text.replace(/[&<>"']/g, (char) => XML[char]!);

/** Each skipped test's reason, by the classname (its file) and name that vitest's JUnit gives its testcase. */
function skipNotes(modules: readonly TestModule[], root: string): Map<string, string> {
  const notes = new Map<string, string>();
  for (const module of modules)
    for (const test of module.children.allTests()) {
      const result = test.result();
      if (result.state === 'skipped' && result.note)
        notes.set(`${xml(relative(root, module.moduleId))}\0${xml(test.name)}`, result.note);
    }
  return notes;
}

/** The report with each skipped testcase's reason as its <skipped> element's message. */
export function withSkipReasons(report: string, notes: ReadonlyMap<string, string>): string {
  if (notes.size === 0) return report;
  return report.replace(
    /(<testcase classname="([^"]*)" name="([^"]*)"[^>]*>\s*)<skipped\/>/g,
    (whole, head: string, classname: string, name: string) => {
      const note = notes.get(`${classname}\0${name}`);
      return note === undefined ? whole : `${head}<skipped message="${xml(note)}"/>`;
    },
  );
}

export default class WholeJUnitReporter extends JUnitReporter {
  private readonly final: string;
  private readonly partial: string;

  constructor(options: JUnitOptions & { outputFile: string }) {
    const final = resolve(CHECKOUT, options.outputFile);
    const partial = partialOf(final);
    super({ ...options, outputFile: partial });
    [this.final, this.partial] = [final, partial];
    process.once('exit', () => rmSync(partial, { force: true }));
  }

  override async onTestRunEnd(...args: Parameters<JUnitReporter['onTestRunEnd']>): Promise<void> {
    await super.onTestRunEnd(...args);
    const notes = skipNotes(args[0], CHECKOUT);
    writeFileSync(this.partial, withSkipReasons(readFileSync(this.partial, 'utf8'), notes));
    renameSync(this.partial, this.final);
  }
}
