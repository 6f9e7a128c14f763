// Every Python the harness starts in a host is Debian's /usr/bin/python3 (src/hosts/python.ts), never the one
// PATH finds: on a machine with pyenv that is a shim, a bash script that costs about half a second of CPU per
// start (strace: 237 execve for `python3 -c pass`). A capture's stop that ran `python3` from PATH once took the
// own-setup-scripts self-test from 73 s of CPU to 134 s.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
/** a VM guest runs its init with a lean PATH of its own, where python3 is Debian's */
const LEAN_PATH = ['src/hosts/vm/init.sh'];
/** words about python3 rather than commands: comments, and the guide's step title naming its server */
const prose = (text: string) =>
  text
    .split('\n')
    .filter((line) => !/^\s*(\/\/|#|\*|\/\*)/.test(line))
    .join('\n')
    .replaceAll('in place of python3 -m http.server', '')
    .replaceAll('/usr/bin/python3', '');
// a command word `python3`: at a line's start, after a shell separator or quote, or as an argv element
const FROM_PATH = /(?:^|[;&|(`'"]\s*|\s)python3(?=\s+-|['"],)/m;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|sh|py)$/.test(entry.name) ? [relative(ROOT, path)] : [];
  });
}

describe('the interpreter', () => {
  test("no program of the harness starts python3 from PATH; each names Debian's", () => {
    const offenders = sources(join(ROOT, 'src'))
      .filter((file) => !LEAN_PATH.includes(file))
      .filter((file) => FROM_PATH.test(prose(readFileSync(join(ROOT, file), 'utf8'))));
    expect(offenders).toEqual([]);
  });

  test('its twin: a command that runs python3 from PATH is found', () => {
    for (const text of ['for p in $(python3 -c "$MARK"); do', "['python3', '-c', SOURCE]", 'python3 -u agent.py'])
      expect(text, text).toMatch(FROM_PATH);
    for (const text of ['/usr/bin/python3 -c pass', 'apt-get install python3 procps', '# python3 -c is slow here'])
      expect(prose(text), text).not.toMatch(FROM_PATH);
  });
});
