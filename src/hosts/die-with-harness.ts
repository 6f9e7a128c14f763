// Processes die with the harness, even when it is killed with SIGKILL: PR_SET_PDEATHSIG, armed by setpriv. The
// child arms it itself, so a parent that died just before would never send it (seen: a responder that `timeout`
// forked at the moment a run was SIGKILLed outlived it, reparented to init). So each guard, once armed, checks that
// its parent is still the one that started it, and exits if not.

/** For the harness's own children: their parent must be this process. */
export function dieWithHarness(): string[] {
  return [
    'setpriv',
    '--pdeathsig',
    'KILL',
    'sh',
    '-c',
    '[ "$PPID" = "$0" ] || exit 125; exec "$@"',
    String(process.pid),
  ];
}
