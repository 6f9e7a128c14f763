// The http probe reads curl's verbose trace, whose words moved between the curl of each host image: 7.88
// (bookworm) and 8.23 (sid, Docker 28.5's host) must give the same outcome for the same kernel answer.
import { describe, expect, test } from 'vitest';
import { classifyHttp } from '../src/probes/http.ts';

const report = (exitcode: number) =>
  `\n${JSON.stringify({ exitcode, errormsg: "Couldn't connect to server", http_code: 0 })}`;
const failed = (stderr: string, exitcode = 7) =>
  classifyHttp({
    display: 'curl',
    ns: undefined,
    exitCode: exitcode,
    stdout: report(exitcode),
    stderr,
    durationMs: 1,
    timedOut: false,
  });

describe("curl's connect errors, per curl version", () => {
  test.each([
    ['7.88', '* connect to 127.0.0.1 port 1 failed: Connection refused', 'refused'],
    ['8.23', '* connect to 127.0.0.1 port 1 from 127.0.0.1 port 48116 failed: Connection refused', 'refused'],
    ['8.23', '* connect to 10.9.9.9 port 80 from 10.0.0.2 port 40112 failed: No route to host', 'host-unreachable'],
    ['7.88', '* Immediate connect fail for 172.17.0.2: Network is unreachable', 'network-unreachable'],
  ])('curl %s: "%s" is %s', (_version, stderr, kind) => {
    expect(failed(stderr).kind).toBe(kind);
  });

  test('a trace with no connect error is an error of the probe, never an expected outcome', () => {
    expect(failed('* something else entirely').kind).toBe('error');
  });
});
