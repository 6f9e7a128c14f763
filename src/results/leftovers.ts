// What removing an implementation's workloads left in the host: every line of the host's state after that was
// not there before set-up, less what the implementation keeps by design (shared by its network, with the reason).
// What was there before and is gone now counts too: a removal must not take what it did not make.

export interface KeptByDesign {
  matches: RegExp;
  why: string;
}

export interface Leftovers {
  /** new since before set-up, and not kept by design */
  left: string[];
  /** there before set-up, gone after removal */
  taken: string[];
  /** new and kept by design, each with its reason */
  kept: Array<{ line: string; why: string }>;
}

export function leftovers(
  before: readonly string[],
  after: readonly string[],
  kept: readonly KeptByDesign[],
): Leftovers {
  const was = new Set(before);
  const now = new Set(after);
  const added = after.filter((line) => !was.has(line));
  const reason = (line: string) => kept.find((rule) => rule.matches.test(line))?.why;
  // a value that changed ("sysctl net.ipv4.ip_forward = 1") is one thing: kept as changed, not also taken
  const subject = (line: string) => line.split(' = ')[0];
  const changedAndKept = new Set(added.filter(reason).map(subject));
  return {
    left: added.filter((line) => !reason(line)),
    taken: before.filter((line) => !now.has(line) && !changedAndKept.has(subject(line))),
    kept: added.flatMap((line) => {
      const why = reason(line);
      return why ? [{ line, why }] : [];
    }),
  };
}

/** Why a removal is not clean, one line per thing; empty when it is. */
export function leftoverCauses({ left, taken }: Leftovers): string[] {
  return [...left.map((line) => `left behind: ${line}`), ...taken.map((line) => `taken away: ${line}`)];
}
