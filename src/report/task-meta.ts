// The rows a test judged travel to the reporters on its task's meta (tests run in worker processes).
import type { ResultRow } from '../results/row.ts';

declare module 'vitest' {
  interface TaskMeta {
    conformance?: ResultRow[];
  }
}

export {};
