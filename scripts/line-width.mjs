// npm run lint, after prettier: no line of the project's own files is wider than 120 columns (prettier does not
// break comments, strings, shell or Python). Prose (*.md) keeps its own line breaks, JSON cannot break a string, and
// a golden ruleset is a tool's own output (iptables-save writes a rule on one line); a picture has no lines.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const WIDTH = 120;
const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' })
  .split('\0')
  .filter((file) => file && !/\.(md|json|png)$/.test(file) && !file.startsWith('fixtures/golden/'));
const wide = files.flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, index) => (line.length > WIDTH ? [`${file}:${index + 1}: ${line.length} columns`] : [])),
);
for (const line of wide) console.error(line);
if (wide.length > 0) {
  console.error(`\n${wide.length} line(s) wider than ${WIDTH} columns: wrap them (prettier wraps code, not text)`);
  process.exit(1);
}
