// Progress lines for slow work (image builds), on stderr so they show even while the test reporter runs.
const started = new Map<string, number>();

export function progress(task: string, message: string): void {
  const since = started.get(task) ?? (started.set(task, Date.now()), Date.now());
  const seconds = ((Date.now() - since) / 1000).toFixed(1).padStart(5);
  process.stderr.write(`[netns-conformance] ${task} ${seconds}s ${message}\n`);
}
