// Loaded into the API process (and PostGraphile's, for its count) by bench:peer --profile (node --import): counts the statements the
// process sends (every pg Client#query, with its time until the answer) and profiles it on
// demand through the inspector, so a breakdown covers the load alone, not start-up. Routes ahead
// of the product's: GET /__probe/statements (the counts since the last call, then reset),
// /__probe/start (CPU profile and sampled allocations), /__probe/stop?dir=D&name=N (writes
// D/N.cpuprofile and D/N.heapprofile, answers their paths). Bench only: never in the product.
import fs from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { URL } from 'node:url';

// texts: the statement's first 90 characters → [times sent, ms until answered, summed]
let statements = { count: 0, ms: 0, texts: {} };
// off while profiling, so the profile shows the product, not this counter
let counting = true;
// the pg the server loads (resolved from its working directory: api/, or tests/ for PostGraphile)
const pg = createRequire(path.join(process.cwd(), 'package.json'))('pg');
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, callback) {
  const text = typeof config === 'string' ? config : (config?.text ?? '');
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
  if (!counting) return query.call(this, config, values, callback);
  const started = performance.now();
  const done = () => {
    const ms = performance.now() - started;
    statements.count++;
    statements.ms += ms;
    const [n, total] = statements.texts[key] ?? [0, 0];
    statements.texts[key] = [n + 1, total + ms];
  };
  const cb = [config?.callback, values, callback].find((f) => typeof f === 'function');
  if (cb) {
    const wrapped = (...args) => {
      done();
      return cb(...args);
    };
    if (config?.callback === cb) config.callback = wrapped;
    else if (values === cb) values = wrapped;
    else callback = wrapped;
    return query.call(this, config, values, callback);
  }
  const result = query.call(this, config, values, callback);
  if (result && typeof result.then === 'function') result.then(done, done);
  return result;
};

const session = new inspector.Session();
session.connect();
const post = (method, params = {}) =>
  new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );

async function answer(url) {
  if (url.pathname === '/__probe/statements') {
    const got = statements;
    statements = { count: 0, ms: 0, texts: {} };
    return got;
  }
  if (url.pathname === '/__probe/start') {
    counting = false;
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 500 });
    await post('Profiler.start');
    await post('HeapProfiler.enable');
    // every allocation sampled (1 per 32 KiB on average), kept after GC too: what was allocated
    await post('HeapProfiler.startSampling', {
      samplingInterval: 32768,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    return { started: true };
  }
  if (url.pathname === '/__probe/stop') {
    counting = true;
    const { profile } = await post('Profiler.stop');
    const { profile: heap } = await post('HeapProfiler.stopSampling');
    const dir = url.searchParams.get('dir');
    const name = url.searchParams.get('name');
    fs.mkdirSync(dir, { recursive: true });
    const cpu = path.join(dir, `${name}.cpuprofile`);
    const allocations = path.join(dir, `${name}.heapprofile`);
    fs.writeFileSync(cpu, JSON.stringify(profile));
    fs.writeFileSync(allocations, JSON.stringify(heap));
    return { cpu, allocations };
  }
  return undefined;
}

const createServer = http.createServer;
http.createServer = function (...args) {
  const at = args.findIndex((a) => typeof a === 'function');
  if (at >= 0) {
    const listener = args[at];
    args[at] = (req, res) => {
      if (!req.url.startsWith('/__probe/')) return listener(req, res);
      answer(new URL(req.url, 'http://probe')).then(
        (body) => {
          res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body ?? null));
        },
        (error) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
    };
  }
  return createServer.apply(this, args);
};
