'use strict';

// Example worker for Multiplexer: a plain HTTP server on one port, core modules only.
// Usage: node index.js <port>   (or PORT=<port> node index.js)

const http = require('node:http');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');

const port = Number(process.argv[2] ?? process.env.PORT);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error('usage: node index.js <port>  (or set PORT)');
  process.exit(2);
}

const startDelayMs = Number(process.env.WORKER_START_DELAY_MS) || 0;
const silent = process.env.WORKER_SILENT === '1';
const version = process.env.WORKER_VERSION || '1';
const pid = process.pid;

let inflight = 0;
let inflightMaxEver = 0;
let served = 0;
// One entry per in-flight request: the highest in-flight count seen while it was active.
const active = new Set();

function track(res) {
  const tracker = { max: 0 };
  inflight++;
  active.add(tracker);
  for (const t of active) t.max = Math.max(t.max, inflight);
  inflightMaxEver = Math.max(inflightMaxEver, inflight);

  let done = false;
  const release = () => {
    if (done) return;
    done = true;
    inflight--;
    active.delete(tracker);
  };
  res.on('finish', () => {
    served++;
    release();
  });
  // 'close' also fires when the client goes away before the response finished.
  res.on('close', release);
  return tracker;
}

function start(res, status, headers) {
  res.writeHead(status, {
    ...headers,
    'x-worker-pid': pid,
    'x-worker-port': port,
    'x-worker-inflight-max': res.tracker.max,
  });
}

function send(res, status, contentType, body, headers = {}) {
  const buf = Buffer.from(body);
  start(res, status, { ...headers, 'content-type': contentType, 'content-length': buf.length });
  res.end(buf);
}

function sendText(res, status, text, headers = {}) {
  send(res, status, 'text/plain; charset=utf-8', text, headers);
}

function sendJson(res, status, value) {
  send(res, status, 'application/json', JSON.stringify(value));
}

function intParam(query, name, fallback) {
  const n = Number.parseInt(query.get(name) ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

function rawHeaderPairs(raw) {
  const pairs = [];
  for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
  return pairs;
}

// Byte at absolute offset i is i % 251. A 64 KiB chunk starting at offset o is
// PATTERN.subarray(o % 251, o % 251 + len), so one precomputed buffer serves every chunk.
const CHUNK = 64 * 1024;
const PATTERN = Buffer.alloc(CHUNK + 251);
for (let i = 0; i < PATTERN.length; i++) PATTERN[i] = i % 251;

async function handleEcho(req, res) {
  const hash = crypto.createHash('sha256');
  let length = 0;
  for await (const chunk of req) {
    hash.update(chunk);
    length += chunk.length;
  }
  sendJson(res, 200, {
    method: req.method,
    url: req.url,
    httpVersion: req.httpVersion,
    headers: rawHeaderPairs(req.rawHeaders),
    bodyLength: length,
    bodySha256: hash.digest('hex'),
    pid,
    port,
  });
}

async function handleUpload(req, res) {
  const hash = crypto.createHash('sha256');
  let length = 0;
  for await (const chunk of req) {
    hash.update(chunk);
    length += chunk.length;
  }
  sendJson(res, 200, { length, sha256: hash.digest('hex') });
}

function handleSleep(res, query) {
  const ms = intParam(query, 'ms', 0);
  setTimeout(() => sendJson(res, 200, { pid, port, inflightMax: res.tracker.max }), ms);
}

function handleCpu(res, query) {
  const until = Date.now() + intParam(query, 'ms', 0);
  while (Date.now() < until) {
    // Busy-wait on purpose: this blocks the event loop like a CPU-bound request would.
  }
  sendText(res, 200, 'ok\n');
}

// Writes bytes [from, to) of the pattern, respecting backpressure, then calls done.
function writePattern(res, from, to, done) {
  let offset = from;
  const pump = () => {
    while (offset < to) {
      if (res.destroyed) return;
      const len = Math.min(CHUNK, to - offset);
      const at = offset % 251;
      offset += len;
      if (!res.write(PATTERN.subarray(at, at + len))) {
        res.once('drain', pump);
        return;
      }
    }
    done();
  };
  pump();
}

function handleBytes(res, query) {
  const total = intParam(query, 'n', 0);
  start(res, 200, { 'content-type': 'application/octet-stream', 'content-length': total });
  writePattern(res, 0, total, () => res.end());
}

// Responses of /hold waiting for /release to write the rest.
const held = new Set();

// Like /bytes, but writes only the first `first` bytes (64 KiB by default) until /release is asked
// for on this worker: a response whose start the worker has written and whose rest it has not.
function handleHold(res, query) {
  const total = intParam(query, 'n', 0);
  const first = Math.min(intParam(query, 'first', CHUNK), total);
  start(res, 200, { 'content-type': 'application/octet-stream', 'content-length': total });
  writePattern(res, 0, first, () => {
    const release = () => writePattern(res, first, total, () => res.end());
    held.add(release);
    res.on('close', () => held.delete(release));
  });
}

function handleRelease(res) {
  const released = [...held];
  held.clear();
  for (const release of released) release();
  sendJson(res, 200, { released: released.length });
}

// Writes format(i) for i = 1..n, the first immediately and then every intervalMs.
function handleTicks(res, query, headers, format) {
  const n = intParam(query, 'n', 5);
  const intervalMs = intParam(query, 'interval', 1000);
  start(res, 200, headers);
  let i = 0;
  let timer = null;
  const tick = () => {
    i++;
    res.write(format(i));
    if (i >= n) {
      clearInterval(timer);
      res.end();
    }
  };
  res.on('close', () => clearInterval(timer));
  if (n === 0) {
    res.end();
    return;
  }
  tick();
  if (i < n) timer = setInterval(tick, intervalMs);
}

function handleStatus(res, codeText) {
  const code = Number(codeText);
  if (!/^\d{3}$/.test(codeText) || code < 200 || code > 599) {
    sendText(res, 400, `invalid status code: ${codeText}\n`);
    return;
  }
  if (code === 204 || code === 304) {
    start(res, code, {});
    res.end();
    return;
  }
  sendText(res, code, `status ${code}\n`);
}

// Each query parameter becomes a response header; Node writes header strings one byte per character,
// so the value's UTF-8 bytes are passed as such a string to send them unchanged.
function handleHeaders(res, query) {
  const headers = {};
  for (const [name, value] of query) headers[name] = Buffer.from(value, 'utf8').toString('latin1');
  sendText(res, 200, 'ok\n', headers);
}

function handleSpawnChild(res) {
  // Not detached: the grandchild stays in the worker's process group, so whoever
  // kills the group (the supervisor) also kills it.
  const child = spawn('sleep', ['3600'], { stdio: 'ignore' });
  child.on('error', (err) => console.error(`spawn-child failed: ${err.message}`));
  child.unref();
  sendJson(res, 200, { pid, childPid: child.pid });
}

// Simulates a worker whose listener died while the process lives on: answers, then refuses every
// new connection and drops the idle kept-alive ones.
function handleStopListening(res) {
  res.on('finish', () => setImmediate(() => {
    server.close();
    server.closeIdleConnections();
    // Nothing else would keep the event loop, and so the process, alive.
    setInterval(() => {}, 1 << 30);
  }));
  sendText(res, 200, 'no longer listening\n');
}

const leaked = [];

async function route(req, res) {
  const q = req.url.indexOf('?');
  const path = q === -1 ? req.url : req.url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : req.url.slice(q + 1));

  if (path.startsWith('/echo')) return handleEcho(req, res);
  if (path.startsWith('/status/')) return handleStatus(res, path.slice('/status/'.length));

  switch (path) {
    case '/':
      return sendText(res, 200, `hello from worker ${pid} on port ${port}\n`);
    case '/sleep':
      return handleSleep(res, query);
    case '/cpu':
      return handleCpu(res, query);
    case '/bytes':
      return handleBytes(res, query);
    case '/hold':
      return handleHold(res, query);
    case '/release':
      return handleRelease(res);
    case '/upload':
      return handleUpload(req, res);
    case '/sse':
      return handleTicks(
        res,
        query,
        { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
        (i) => `data: event ${i}\n\n`,
      );
    case '/stream':
      return handleTicks(
        res,
        query,
        { 'content-type': 'text/plain; charset=utf-8', 'x-accel-buffering': 'no' },
        (i) => `chunk ${i}\n`,
      );
    case '/exit':
      return process.exit(intParam(query, 'code', 1));
    case '/pid':
      return sendJson(res, 200, { pid, port, version });
    case '/version':
      return sendText(res, 200, `${version}\n`);
    case '/headers':
      return handleHeaders(res, query);
    case '/spawn-child':
      return handleSpawnChild(res);
    case '/stats':
      return sendJson(res, 200, { pid, port, served, inflightMax: inflightMaxEver });
    case '/alloc':
      // Keeps the memory for good, as a leaking service would.
      leaked.push(Buffer.alloc(intParam(query, 'mb', 10) * 1024 * 1024, 1));
      return sendJson(res, 200, { pid, leakedMb: leaked.reduce((sum, b) => sum + b.length, 0) / 1048576 });
    case '/stop-listening':
      return handleStopListening(res);
    default:
      return sendText(res, 404, `not found: ${path}\n`);
  }
}

// WebSocket echo on /ws (RFC 6455), core modules only: the handshake, then every text or binary frame
// the client sends comes back unmasked with the same opcode and FIN bit (so fragments echo as
// fragments); ping is answered with pong, close with close. One connection holds the worker until it closes.
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const WS_MAX_PAYLOAD = 16 * 1024 * 1024;

function wsFrame(opcode, payload, fin = true) {
  const first = (fin ? 0x80 : 0) | opcode;
  let header;
  if (payload.length < 126) {
    header = Buffer.from([first, payload.length]);
  } else if (payload.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([header, payload]);
}

// One frame from the start of buf: { fin, opcode, payload, size } or null while incomplete;
// { error: code } for a frame this server refuses (unmasked, or too large).
function wsParse(buf) {
  if (buf.length < 2) return null;
  const fin = (buf[0] & 0x80) !== 0;
  const opcode = buf[0] & 0x0f;
  const masked = (buf[1] & 0x80) !== 0;
  let length = buf[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return null;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return null;
    const big = buf.readBigUInt64BE(2);
    if (big > BigInt(WS_MAX_PAYLOAD)) return { error: 1009 };
    length = Number(big);
    offset = 10;
  }
  if (!masked) return { error: 1002 };
  if (length > WS_MAX_PAYLOAD) return { error: 1009 };
  if (buf.length < offset + 4 + length) return null;
  const mask = buf.subarray(offset, offset + 4);
  const payload = Buffer.from(buf.subarray(offset + 4, offset + 4 + length));
  for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
  return { fin, opcode, payload, size: offset + 4 + length };
}

function wsClose(socket, code) {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code, 0);
  socket.end(wsFrame(0x8, payload));
}

function handleUpgrade(req, socket, head) {
  const path = req.url.split('?')[0];
  const key = req.headers['sec-websocket-key'];
  if (path !== '/ws' || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket' || !key) {
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    return;
  }
  const accept = crypto.createHash('sha1').update(key + WS_GUID).digest('base64');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n'
      + `sec-websocket-accept: ${accept}\r\nx-worker-pid: ${pid}\r\nx-worker-port: ${port}\r\n\r\n`,
  );
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  let pending = Buffer.from(head);
  let closed = false;
  const consume = (chunk) => {
    if (closed) return;
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (let frame = wsParse(pending); frame !== null; frame = wsParse(pending)) {
      if (frame.error) {
        closed = true;
        wsClose(socket, frame.error);
        return;
      }
      pending = pending.subarray(frame.size);
      switch (frame.opcode) {
        case 0x0: // continuation
        case 0x1: // text
        case 0x2: // binary
          socket.write(wsFrame(frame.opcode, frame.payload, frame.fin));
          break;
        case 0x8: // close: answer with the client's status code, then end the connection
          closed = true;
          socket.end(wsFrame(0x8, frame.payload.subarray(0, 2)));
          return;
        case 0x9: // ping
          socket.write(wsFrame(0xa, frame.payload));
          break;
        case 0xa: // pong
          break;
        default:
          closed = true;
          wsClose(socket, 1002);
          return;
      }
    }
  };
  socket.on('data', consume);
  if (pending.length > 0) {
    const first = pending;
    pending = Buffer.alloc(0);
    consume(first);
  }
}

const server = http.createServer((req, res) => {
  res.tracker = track(res);
  route(req, res).catch((err) => {
    console.error(`error handling ${req.method} ${req.url}: ${err.message}`);
    if (!res.headersSent) sendText(res, 500, 'internal error\n');
    else res.destroy();
  });
});

// The proxy pools keep-alive connections; keep idle ones open long enough that the
// proxy does not reuse a connection the worker is just closing.
server.keepAliveTimeout = 65000;
server.headersTimeout = 66000;

server.on('upgrade', handleUpgrade);

server.on('error', (err) => {
  console.error(`server error: ${err.message}`);
  process.exit(1);
});

setTimeout(() => {
  server.listen(port, () => {
    if (!silent) console.log(`listening on ${port} pid ${pid}`);
  });
}, startDelayMs);
