#!/usr/bin/env node
// Holdfast's benchmark: each section measures Holdfast against a real redis-server in the
// same run. `npm run bench` runs every section; the built server (dist/) must exist.
//
//   node bench/run.mjs [--write] [--quick] [--only a,b] [--skip a,b] [--no-large]
//                      [--requests N] [--repeat R]
//
//   --write       update BENCHMARKS.md: the sections run replace their own blocks
//   --quick       about a tenth of the work (a smoke run; figures are not meaningful)
//   --only/--skip section names, from the registry below
//   --no-large    skip the large keyspace section (several minutes)
//   --requests N  requests per redis-benchmark test (default depends on the pipeline)
//   --repeat R    run each throughput test, and salebench on each side, R times and keep
//                 the median (default 1)
//
// Adding a section: a module exporting `async run(options)` that prints with
// `options.log(line)` and returns `{ lines }` (markdown for BENCHMARKS.md), registered in
// SECTIONS. options also carries `quick`, `requests`, `repeat` and `tool` (how to run
// redis-benchmark, see lib.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchmarkTool, root } from './lib.mjs';

export const SECTIONS = [
  { name: 'throughput', module: 'sections/throughput.mjs', about: 'redis-benchmark -c 50 at -P 1 and -P 16, plus -d 1024 and -r 1000000' },
  { name: 'types', module: 'sections/types.mjs', about: 'LPUSH LPOP SADD HSET SPOP ZADD ZPOPMIN LRANGE_100 LRANGE_600 at -P 16 (issue 3)' },
  { name: 'memory', module: 'sections/memory.mjs', about: 'bytes per key after 1,000,000 SETs of 100-byte values' },
  { name: 'large', module: 'sections/largeKeyspace.mjs', about: 'more than 2^24 keys in Holdfast' },
  { name: 'hitratio', module: 'sections/hitRatio.mjs', about: 'cache hit ratio under maxmemory, Zipfian keys, allkeys-lru and allkeys-lfu' },
  { name: 'growth', module: 'sections/growth.mjs', about: 'empty to 20,000,000 keys under load: stalls, latency, RSS per key (several minutes)' },
  { name: 'expiry', module: 'expiryLag.mjs', about: 'expiry lag: how late keys expire' },
  { name: 'sale', module: 'sections/sale.mjs', about: 'flash-sale commands against the Redis + Lua peer' },
  { name: 'hostile', module: 'sections/hostile.mjs', about: 'probe latency while other clients fuzz, trickle a 1 GB bulk, never read, idle by the 10,000, churn' },
  { name: 'persistence', module: 'sections/persistence.mjs', about: 'SET by appendfsync policy, salebench with sale-fsync always, BGREWRITEAOF of 5,000,000 keys under load' },
];

function parseArgs(argv) {
  const o = { write: false, quick: false, only: null, skip: new Set(), requests: undefined, repeat: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--write') o.write = true;
    else if (a === '--quick') o.quick = true;
    else if (a === '--only') o.only = new Set(argv[++i].split(','));
    else if (a === '--skip') for (const s of argv[++i].split(',')) o.skip.add(s);
    else if (a === '--no-large') o.skip.add('large');
    else if (a === '--large') o.skip.delete('large');
    else if (a === '--requests') o.requests = Number(argv[++i]);
    else if (a === '--repeat') o.repeat = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 19).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
      console.log(`sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
      process.exit(0);
    } else throw new Error(`unknown option ${a} (see --help)`);
  }
  for (const name of [...(o.only ?? []), ...o.skip]) {
    if (!SECTIONS.some((s) => s.name === name)) throw new Error(`unknown section ${name}: ${SECTIONS.map((s) => s.name).join(', ')}`);
  }
  return o;
}

function machine() {
  const cpus = os.cpus();
  let redisVersion = 'unknown';
  try {
    redisVersion = /v=(\S+)/.exec(execFileSync('redis-server', ['--version']).toString())?.[1] ?? redisVersion;
  } catch {
    /* reported as unknown */
  }
  return {
    nproc: cpus.length,
    cpu: cpus[0]?.model ?? 'unknown',
    memory: `${Math.round(os.totalmem() / 1024 ** 3)} GB`,
    node: process.version,
    redis: redisVersion,
    load: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

function describeMachine(m) {
  return `${m.nproc} × ${m.cpu}, ${m.memory} RAM; Node ${m.node}; redis-server ${m.redis}; load average at start ${m.load}`;
}

const BEGIN = (name) => `<!-- section:${name} -->`;
const END = (name) => `<!-- /section:${name} -->`;

/** Replaces each section's block in BENCHMARKS.md (appending new ones), keeping the others. */
function writeReport(file, header, blocks) {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const headStart = '<!-- header -->';
  const headEnd = '<!-- /header -->';
  const head = `${headStart}\n${header.join('\n')}\n${headEnd}`;
  if (text.includes(headStart)) text = text.replace(new RegExp(`${headStart}[\\s\\S]*?${headEnd}`), () => head);
  else text = `# Benchmarks\n\n${head}\n`;
  for (const [name, lines] of blocks) {
    const block = `${BEGIN(name)}\n${lines.join('\n')}\n${END(name)}`;
    if (text.includes(BEGIN(name))) text = text.replace(new RegExp(`${BEGIN(name)}[\\s\\S]*?${END(name)}`), () => block);
    else text = `${text.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(file, text);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const m = machine();
  const command = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
  const date = new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  console.log(`# Holdfast benchmark — ${date}`);
  console.log(`machine: ${describeMachine(m)}`);
  if (os.loadavg()[0] > m.nproc / 4) {
    console.log(`warning: the machine is busy (load ${m.load} on ${m.nproc} CPUs): throughput figures will be noisy; CPU per request less so`);
  }
  const tool = benchmarkTool();
  console.log(`using ${tool.label}\n`);
  const blocks = [];
  let failed = false;
  for (const s of SECTIONS) {
    if ((o.only && !o.only.has(s.name)) || o.skip.has(s.name)) continue;
    const file = path.join(root, 'bench', s.module);
    if (!existsSync(file)) {
      console.log(`(section ${s.name}: bench/${s.module} is not there yet, skipped)\n`);
      continue;
    }
    const mod = await import(pathToFileURL(file).href);
    // A section returns its markdown; one that returns none is reported by what it printed.
    const printed = [];
    const log = (line) => {
      printed.push(line);
      console.log(line);
    };
    const lines = [];
    try {
      const result = await mod.run({ log, quick: o.quick, requests: o.requests, repeat: o.repeat, tool });
      lines.push(...(result?.lines?.length ? result.lines : printed));
    } catch (err) {
      failed = true;
      console.error(`section ${s.name} failed: ${err?.stack ?? err}`);
      continue;
    }
    lines.push(`_${date}, \`${command}\`, ${describeMachine(m)}._`);
    blocks.push([s.name, lines]);
    console.log('');
  }
  if (o.write) {
    const header = [
      'Holdfast against a real redis-server on the same machine, in the same run. Regenerate with',
      '`npm run bench -- --write` (the built server must exist: `npm install` builds it); each',
      'section below notes when, how and where it last ran.',
      '',
      `Last run: ${date}, \`${command}\`.`,
      '',
      `Machine: ${describeMachine(m)}.`,
    ];
    writeReport(path.join(root, 'BENCHMARKS.md'), header, blocks);
    console.log('BENCHMARKS.md updated');
  }
  if (failed) process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err?.message ?? err);
    process.exit(1);
  });
}
