// vitest's JUnit report, written whole or not at all: vitest's own reporter empties its file when the run starts,
// so a run that stops on bad input left a 0-byte reports/junit.xml in place of the last one. This one writes
// beside it and renames when the run ends (write-atomically.ts); a run that ends early removes its partial file.
import { renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { JUnitReporter, type JUnitOptions } from 'vitest/node';
import { partialOf } from '../results/write-atomically.ts';

const CHECKOUT = resolve(import.meta.dirname, '../..');

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
    renameSync(this.partial, this.final);
  }
}
