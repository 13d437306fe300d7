#!/usr/bin/env node
// Entry point for `npm start` and `npx holdfast`: runs the compiled server from dist/.
//
// No V8 flags are set here, on purpose (README, Memory). String keys and values live in
// per-slot arenas outside the V8 heap, so the default heap limit (about 4 GB) bounds only
// aggregates, strings over 128 KB and TTL bookkeeping; raising it would take a second
// process (V8 fixes it at start-up), which would double the base RSS and hide the server's
// pid from tools. A dataset of many large aggregates needs
// NODE_OPTIONS=--max-old-space-size=<MB>. --max-semi-space-size trades fewer minor GCs for
// longer ones; with the data off the heap they only collect request garbage and stay short
// at the default. With maxmemory set, the server itself lowers V8's heap growing factor
// (src/memory/manager.ts) so garbage stays small next to the data.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('holdfast: dist/ is missing; run `npm install` (or `npm run build`) first\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv.slice(2));
