// A results file is replaced only once its successor is whole: written beside it, then renamed over it (a rename
// within one folder is atomic), so an interrupted or failed run never leaves a truncated or missing file.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** the name a file is written under before it takes its place */
export const partialOf = (path: string): string => `${path}.partial-${process.pid}`;

export function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = partialOf(path);
  writeFileSync(partial, text);
  renameSync(partial, path);
}
