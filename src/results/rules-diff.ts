// What changed between a golden ruleset and the rules a run found: the rules gone and the rules new, in the
// order they stand (a rule that only moved shows as gone and new: in a firewall, order is meaning).
export function rulesDiff(golden: string, found: string): string[] {
  const was = golden.trimEnd().split('\n');
  const now = found.trimEnd().split('\n');
  if (was.join('\n') === now.join('\n')) return [];
  const prefix = was.findIndex((line, index) => line !== now[index]);
  let suffix = 0;
  while (
    suffix < Math.min(was.length, now.length) - prefix &&
    was[was.length - 1 - suffix] === now[now.length - 1 - suffix]
  )
    suffix += 1;
  return [
    ...was.slice(prefix, was.length - suffix).map((line) => `- ${line}`),
    ...now.slice(prefix, now.length - suffix).map((line) => `+ ${line}`),
  ];
}
