import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rawClient.js';
import { decodeResp, type RespValue } from '../helpers/respDecode.js';
import { freePort, startHoldfast, type Holdfast } from '../helpers/servers.js';

interface HttpReply {
  status: number;
  headers: Headers;
  body: Buffer;
  text: string;
}

async function request(port: number, path: string, init: RequestInit & { auth?: [string, string] } = {}): Promise<HttpReply> {
  const headers = new Headers(init.headers);
  if (init.auth !== undefined) headers.set('authorization', `Basic ${Buffer.from(`${init.auth[0]}:${init.auth[1]}`).toString('base64')}`);
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body, text: body.toString('utf8') };
}

const put = (port: number, body: unknown, auth?: [string, string]) =>
  request(port, '/put', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' }, auth });

describe('HTTP side port', () => {
  let h: Holdfast;
  let port: number;
  let c: RawClient;
  beforeAll(async () => {
    port = await freePort();
    h = await startHoldfast({ 'http-port': String(port) });
    c = await RawClient.connect(h.port);
  });
  afterAll(async () => {
    c.close();
    await h.close();
  });

  it('is off unless http-port is set, and listens on 127.0.0.1 by default', async () => {
    const plain = await startHoldfast();
    expect(plain.server.http).toBe(null);
    await plain.close();
    expect(h.server.http!.port).toBe(port);
    expect(await c.call('CONFIG', 'GET', 'http-bind')).toBe('*2\r\n$9\r\nhttp-bind\r\n$9\r\n127.0.0.1\r\n');
  });

  it('GET /health: 200 while serving, 503 while loading or shutting down', async () => {
    const ok = await request(port, '/health');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ status: 'ok' });
    h.server.dispatcher.loading = true;
    const loading = await request(port, '/health');
    h.server.dispatcher.loading = false;
    expect(loading.status).toBe(503);
    expect(JSON.parse(loading.text)).toEqual({ status: 'loading' });
    expect((await request(port, '/health', { method: 'POST' })).status).toBe(405);
    expect((await request(port, '/nope')).status).toBe(404);
  });

  it('PUT and GET a value, with a TTL, binary-safe, in another database', async () => {
    expect((await put(port, { key: 'greeting', value: 'héllo wörld' })).status).toBe(200);
    const got = await request(port, '/get?key=greeting');
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.text).toBe('héllo wörld');
    // The same bytes over RESP: UTF-8 stored as bytes
    expect(await c.call('STRLEN', 'greeting')).toBe(`:${Buffer.byteLength('héllo wörld')}\r\n`);
    expect((await request(port, '/get?key=missing')).status).toBe(404);
    expect((await put(port, { key: 'n', value: 42, ttl_ms: 60_000 })).status).toBe(200);
    const pttl = Number((await c.call('PTTL', 'n')).slice(1, -2));
    expect(pttl).toBeGreaterThan(50_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    expect((await put(port, { key: 'd3', value: 'x', db: 3 })).status).toBe(200);
    expect((await request(port, '/get?key=d3')).status).toBe(404);
    expect((await request(port, '/get?key=d3&db=3')).text).toBe('x');
    expect((await request(port, '/get?key=d3&db=99')).status).toBe(400);
  });

  it('rejects bad requests with 4xx and Redis errors as JSON', async () => {
    expect((await put(port, '{not json')).status).toBe(400);
    expect((await put(port, { value: 'v' })).status).toBe(400);
    expect((await put(port, { key: 'k', value: { nested: true } })).status).toBe(400);
    expect((await put(port, { key: 'k', value: 'v', ttl_ms: -5 })).status).toBe(400);
    expect((await put(port, { key: 'k', value: 'v', ttl_ms: 1.5 })).status).toBe(400);
    expect((await request(port, '/get')).status).toBe(400);
    await c.call('HSET', 'hash', 'f', 'v');
    const wrong = await request(port, '/get?key=hash');
    expect(wrong.status).toBe(409);
    expect(JSON.parse(wrong.text)).toEqual({ error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  });

  it('/get and /put run through the dispatcher: stats, MONITOR, keyspace events', async () => {
    const mon = await RawClient.connect(h.port);
    expect(await mon.call('MONITOR')).toBe('+OK\r\n');
    await put(port, { key: 'watched', value: 'v' });
    expect(await mon.read()).toMatch(/^\+\d+\.\d+ \[0 127\.0\.0\.1:\d+\] "SET" "watched" "v"\r\n$/);
    mon.close();
    const stats = decodeResp(await c.call('INFO', 'commandstats')).v as string;
    expect(stats).toMatch(/cmdstat_set:calls=\d+/);
  });

  it('GET /metrics: Prometheus text with commands, latency histograms, keys, expiry, memory, persistence, sales', async () => {
    await c.call('SET', 'm1', 'v');
    await c.call('SET', 'short', 'v', 'PX', '1');
    await new Promise((r) => setTimeout(r, 20));
    await c.call('GET', 'short');
    await c.call('SALE.CREATE', 'sale:shoes', '10');
    await c.call('RESERVE', 'sale:shoes', 'alice');
    const m = await request(port, '/metrics');
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const t = m.text;
    expect(t).toMatch(/^# TYPE holdfast_commands_total counter$/m);
    expect(t).toMatch(/^holdfast_commands_total\{cmd="set"\} \d+$/m);
    expect(t).toMatch(/^# TYPE holdfast_command_duration_seconds histogram$/m);
    expect(t).toMatch(/^holdfast_command_duration_seconds_bucket\{cmd="set",le="0\.000001024"\} \d+$/m);
    expect(t).toMatch(/^holdfast_command_duration_seconds_bucket\{cmd="set",le="\+Inf"\} \d+$/m);
    expect(t).toMatch(/^holdfast_command_duration_seconds_count\{cmd="set"\} \d+$/m);
    expect(t).toMatch(/^holdfast_connected_clients [1-9]\d*$/m);
    expect(t).toMatch(/^holdfast_db_keys\{db="0"\} [1-9]\d*$/m);
    expect(t).toMatch(/^holdfast_expired_keys_total [1-9]\d*$/m);
    expect(t).toMatch(/^holdfast_evicted_keys_total 0$/m);
    expect(t).toMatch(/^holdfast_memory_used_bytes \d+$/m);
    expect(t).toMatch(/^holdfast_loading 0$/m);
    expect(t).toMatch(/^holdfast_persistence\{field="[a-z_]+"\} -?\d/m);
    expect(t).toMatch(/^holdfast_sale\{db="0",key="sale:shoes",field="held"\} 1$/m);
    expect(t).toMatch(/^holdfast_sale\{db="0",key="sale:shoes",field="available"\} 9$/m);
    expect(t).toMatch(/^holdfast_nodejs_eventloop_lag_seconds /m);
    // A deleted sale disappears from the metrics
    await c.call('DEL', 'sale:shoes');
    expect((await request(port, '/metrics')).text).not.toContain('key="sale:shoes"');
  });
});

describe('HTTP side port with passwords and ACL users', () => {
  let h: Holdfast;
  let port: number;
  let admin: RawClient;
  beforeAll(async () => {
    port = await freePort();
    h = await startHoldfast({ 'http-port': String(port), requirepass: 'adminpw' });
    admin = await RawClient.connect(h.port);
    await admin.call('AUTH', 'adminpw');
    await admin.call('ACL', 'SETUSER', 'web', 'on', '>webpw', '~cache:*', '+get', '+set');
    await admin.call('ACL', 'SETUSER', 'reader', 'on', '>rpw', '%R~*', '+get');
  });
  afterAll(async () => {
    admin.close();
    await h.close();
  });

  it('needs Basic auth for /get and /put; /health and /metrics stay open', async () => {
    const anon = await request(port, '/get?key=cache:a');
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toBe('Basic realm="holdfast"');
    expect((await put(port, { key: 'cache:a', value: 'v' })).status).toBe(401);
    expect((await request(port, '/health')).status).toBe(200);
    expect((await request(port, '/metrics')).status).toBe(200);
    expect((await put(port, { key: 'cache:a', value: 'v' }, ['default', 'adminpw'])).status).toBe(200);
    expect((await request(port, '/get?key=cache:a', { auth: ['default', 'adminpw'] })).text).toBe('v');
  });

  it("obeys the user's ACL: keys, commands; wrong passwords are logged and counted", async () => {
    expect((await put(port, { key: 'cache:b', value: 'w' }, ['web', 'webpw'])).status).toBe(200);
    expect((await request(port, '/get?key=cache:b', { auth: ['web', 'webpw'] })).text).toBe('w');
    const denied = await request(port, '/get?key=secret', { auth: ['web', 'webpw'] });
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.text).error).toBe('NOPERM this user has no permissions to access one of the keys used as arguments');
    const ro = await put(port, { key: 'cache:c', value: 'x' }, ['reader', 'rpw']);
    expect(ro.status).toBe(403);
    expect(JSON.parse(ro.text).error).toBe("NOPERM this user has no permissions to run the 'set' command");
    const wrong = await request(port, '/get?key=cache:b', { auth: ['web', 'not-the-password'] });
    expect(wrong.status).toBe(401);
    const log = (decodeResp(await admin.call('ACL', 'LOG')) as { v: RespValue[] }).v.map((e) => (e as { v: RespValue[] }).v.map((x) => x.v));
    const auth = log.find((e) => e[3] === 'auth')!;
    expect(auth[7]).toBe('HTTP');
    expect(auth[9]).toBe('web');
    expect(await admin.call('ACL', 'LOG')).not.toContain('not-the-password');
    const key = log.find((e) => e[3] === 'key')!;
    expect(key[7]).toBe('secret');
    expect(String(key[13])).toMatch(/name=http /);
  });
});
