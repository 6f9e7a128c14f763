// The probes' Python programs, each as the argv that runs it in a host (`python3 -c SOURCE NAME ARGS…`): hosts may
// not see this machine's files, so a program travels as its source. Those that serve (the responder, the batch
// prober) get serving.py in front, so that every server of the harness listens and answers alike.
import { readFileSync } from 'node:fs';
import { PYTHON } from '../hosts/python.ts';

const source = (file: string) => readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
const SERVING = source('serving.py');
/** what a UDP probe hears of ICMP errors, put in front of the programs that send one */
const UDP_ERRORS = source('udp-errors.py');

const PROGRAMS = {
  responder: SERVING + source('responder.py'),
  'batch-prober': SERVING + UDP_ERRORS + source('batch-prober.py'),
  'tcp-connect': source('tcp-connect.py'),
  'udp-exchange': UDP_ERRORS + source('udp-exchange.py'),
};
export type PythonProgram = keyof typeof PROGRAMS;

export function pythonArgv(program: PythonProgram, args: readonly string[]): string[] {
  return [PYTHON, '-c', PROGRAMS[program], ...args];
}

/** How a command running a program shows in the log: its file's name instead of its source. */
export function programDisplay(program: PythonProgram, args: readonly string[] = []): string {
  return [PYTHON, '-c', `<${program}.py>`, ...args].join(' ');
}
