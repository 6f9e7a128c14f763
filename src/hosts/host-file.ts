// Writing a file inside a host: handed in on stdin, so it works the same in every kind of host (the host may not
// see this machine's files).
import type { Host } from './host.ts';

export async function writeHostFile(
  host: Host,
  path: string,
  content: string,
  opts: { executable?: boolean } = {},
): Promise<void> {
  const write = opts.executable
    ? 'mkdir -p "${0%/*}" && cat > "$0" && chmod +x "$0"'
    : 'mkdir -p "${0%/*}" && cat > "$0"';
  await host.exec(['sh', '-c', write, path], { stdin: content });
}
