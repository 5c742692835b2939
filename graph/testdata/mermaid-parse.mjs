// Parses a Mermaid file with Mermaid's own grammar, offline.
// Usage: node mermaid-parse.mjs MODULES_DIR FILE
// MODULES_DIR holds node_modules with mermaid and jsdom
// (npm install --prefix MODULES_DIR mermaid@11 jsdom).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, file] = process.argv.slice(2);
const req = createRequire(join(dir, 'node_modules', 'noop.js'));
const load = (name) => import(pathToFileURL(req.resolve(name)).href);
const { JSDOM } = await load('jsdom');
const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await load('mermaid');
mermaid.initialize({ startOnLoad: false });
try {
  await mermaid.parse(readFileSync(file, 'utf8'));
  console.log('ok');
} catch (e) {
  console.error('mermaid parse error:', e.message ?? String(e));
  process.exit(1);
}
