// The page's CSS: readable on a phone (the grid scrolls sideways under a sticky first column), high contrast,
// and never colour alone: each verdict also has its mark (✓ ✗ –) and its word for a screen reader.
export const PAGE_STYLE = `
:root { color-scheme: light dark; --pass: #0a6b2d; --fail: #b00020; --skip: #555; --bg: #fff; --fg: #111;
  --line: #ccc; --pass-bg: #e3f4e8; --fail-bg: #fde7ea; --skip-bg: #eee; }
@media (prefers-color-scheme: dark) { :root { --pass: #7fe0a0; --fail: #ff9aa8; --skip: #bbb; --bg: #111; --fg: #eee;
  --line: #444; --pass-bg: #12301d; --fail-bg: #3a1219; --skip-bg: #262626; } }
body { font: 16px/1.45 system-ui, sans-serif; margin: 0 auto; padding: 1rem; max-width: 80rem; background: var(--bg);
  color: var(--fg); }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; }
a { color: inherit; }
a:focus-visible, select:focus-visible, button:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
.filters { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; }
.filters label { display: flex; flex-direction: column; font-size: .9rem; }
select { font: inherit; padding: .3rem; min-height: 2.75rem; }
.scroll { overflow-x: auto; border: 1px solid var(--line); position: relative; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; vertical-align: top; text-align: left; }
thead th { font-size: .85rem; font-weight: 600; }
tbody th { position: sticky; left: 0; z-index: 1; background: var(--bg); overflow-wrap: anywhere; max-width: 12rem; }
@media (max-width: 40rem) { tbody th { max-width: 7rem; font-size: .85rem; } }
.cell a { display: block; min-width: 7rem; min-height: 2.75rem; text-decoration: none; padding: .2rem; }
.cell.pass { background: var(--pass-bg); } .cell.fail { background: var(--fail-bg); }
.cell.skip { background: var(--skip-bg); }
.verdict { font-weight: 700; }
.pass > .verdict, .mark.pass { color: var(--pass); } .fail > .verdict, .mark.fail { color: var(--fail); }
.skip > .verdict, .mark.skip { color: var(--skip); }
.marks { display: flex; flex-wrap: wrap; gap: .15rem .4rem; font-size: .8rem; margin-top: .15rem; }
.strip { display: flex; gap: 2px; margin-top: .25rem; font-size: .7rem; }
.strip span { border: 1px solid var(--line); padding: 0 .15rem; }
.details { display: none; border: 2px solid var(--fail); padding: .5rem 1rem; margin: 1rem 0; }
.details:target { display: block; }
.details li { margin-bottom: .75rem; }
code, pre { font: .85rem/1.4 ui-monospace, monospace; white-space: pre-wrap; word-break: break-word; }
[hidden] { display: none !important; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
`;
