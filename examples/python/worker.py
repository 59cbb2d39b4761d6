#!/usr/bin/env python3
"""Example worker for Multiplexer: a single-threaded http.server, stdlib only.

Usage: python3 worker.py <port>   (or PORT=<port> python3 worker.py)
"""

import hashlib
import json
import os
import socketserver
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

PID = os.getpid()
VERSION = os.environ.get("WORKER_VERSION") or "1"

CHUNK = 64 * 1024
# Byte at absolute offset i is i % 251; a chunk starting at offset o is
# PATTERN[o % 251 : o % 251 + len], so one precomputed buffer serves every chunk.
PATTERN = memoryview(bytes(i % 251 for i in range(CHUNK + 251)))


class BadRequest(Exception):
    pass


def int_param(query, name, default):
    try:
        value = int(query.get(name, [""])[0])
    except ValueError:
        return default
    return value if value >= 0 else default


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "multiplexer-example-python"
    # Headers and body go out in separate writes; with Nagle's algorithm the body then waits for the
    # client's delayed ACK of the headers (40 ms on Linux) on every kept-alive request.
    disable_nagle_algorithm = True

    def dispatch(self):
        self.body_consumed = False
        self.response_started = False
        path, _, query_string = self.path.partition("?")
        query = parse_qs(query_string)
        try:
            self.route(path, query)
            if not self.body_consumed:
                # Keep-alive: an unread request body would be parsed as the next request.
                for _ in self.body_chunks():
                    pass
        except BadRequest as e:
            self.close_connection = True
            if self.response_started:
                self.log_message("bad request body: %s", e)
            else:
                self.send_text(400, f"bad request: {e}\n")
        except (BrokenPipeError, ConnectionResetError) as e:
            self.close_connection = True
            self.log_message("client went away: %s", e)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = dispatch

    def route(self, path, query):
        if path.startswith("/echo"):
            self.handle_echo()
        elif path.startswith("/status/"):
            self.handle_status(path[len("/status/"):])
        elif path == "/":
            self.send_text(200, f"hello from worker {PID} on port {self.port}\n")
        elif path == "/sleep":
            time.sleep(int_param(query, "ms", 0) / 1000)
            self.send_json(200, {"pid": PID, "port": self.port, "inflightMax": 1})
        elif path == "/cpu":
            until = time.monotonic() + int_param(query, "ms", 0) / 1000
            while time.monotonic() < until:
                pass
            self.send_text(200, "ok\n")
        elif path == "/bytes":
            self.handle_bytes(int_param(query, "n", 0))
        elif path == "/upload":
            length, sha256 = self.hash_body()
            self.send_json(200, {"length": length, "sha256": sha256})
        elif path == "/exit":
            sys.stderr.flush()
            os._exit(int_param(query, "code", 1))
        elif path == "/pid":
            self.send_json(200, {"pid": PID, "port": self.port, "version": VERSION})
        elif path == "/version":
            self.send_text(200, f"{VERSION}\n")
        else:
            self.send_text(404, f"not found: {path}\n")

    @property
    def port(self):
        return self.server.server_address[1]

    def start(self, status, headers):
        self.response_started = True
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("x-worker-pid", str(PID))
        self.send_header("x-worker-port", str(self.port))
        self.send_header("x-worker-inflight-max", "1")
        self.end_headers()

    def send_bytes(self, status, content_type, body):
        self.start(status, {"Content-Type": content_type, "Content-Length": str(len(body))})
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_text(self, status, text):
        self.send_bytes(status, "text/plain; charset=utf-8", text.encode())

    def send_json(self, status, value):
        self.send_bytes(status, "application/json", json.dumps(value, separators=(",", ":")).encode())

    def body_chunks(self):
        """Yields the request body in pieces, from Content-Length or chunked framing."""
        self.body_consumed = True
        codings = self.headers.get("Transfer-Encoding", "")
        if codings.split(",")[-1].strip().lower() == "chunked":
            yield from self.chunked_body()
        else:
            try:
                remaining = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                raise BadRequest("invalid Content-Length") from None
            yield from self.read_exactly(remaining)

    def read_exactly(self, n):
        while n > 0:
            data = self.rfile.read(min(CHUNK, n))
            if not data:
                raise ConnectionResetError("connection closed mid-body")
            n -= len(data)
            yield data

    def chunked_body(self):
        while True:
            line = self.rfile.readline(1024)
            if not line:
                raise ConnectionResetError("connection closed mid-body")
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise BadRequest("invalid chunk size line") from None
            if size == 0:
                break
            yield from self.read_exactly(size)
            if self.rfile.readline(1024).strip():
                raise BadRequest("missing CRLF after chunk data")
        # Skip any trailer fields; the trailer section ends with an empty line.
        while True:
            line = self.rfile.readline(65537)
            if not line:
                raise ConnectionResetError("connection closed in chunked trailer")
            if line in (b"\r\n", b"\n"):
                break

    def hash_body(self):
        digest = hashlib.sha256()
        length = 0
        for chunk in self.body_chunks():
            digest.update(chunk)
            length += len(chunk)
        return length, digest.hexdigest()

    def handle_echo(self):
        length, sha256 = self.hash_body()
        self.send_json(200, {
            "method": self.command,
            "url": self.path,
            "httpVersion": self.request_version.removeprefix("HTTP/"),
            "headers": list(self.headers.items()),
            "bodyLength": length,
            "bodySha256": sha256,
            "pid": PID,
            "port": self.port,
        })

    def handle_bytes(self, total):
        self.start(200, {"Content-Type": "application/octet-stream", "Content-Length": str(total)})
        if self.command == "HEAD":
            return
        offset = 0
        while offset < total:
            length = min(CHUNK, total - offset)
            start = offset % 251
            self.wfile.write(PATTERN[start:start + length])
            offset += length

    def handle_status(self, code_text):
        if not (len(code_text) == 3 and code_text.isdigit() and 200 <= int(code_text) <= 599):
            self.send_text(400, f"invalid status code: {code_text}\n")
            return
        code = int(code_text)
        if code in (204, 304):
            self.start(code, {})
        else:
            self.send_text(code, f"status {code}\n")

    def log_message(self, format, *args):
        # One line per request on stderr; the supervisor has to keep draining it.
        sys.stderr.write(f"[worker {PID}] {self.address_string()} {format % args}\n")


class Server(HTTPServer):
    def server_bind(self):
        # HTTPServer.server_bind looks up the host's FQDN, which can stall for seconds
        # where DNS is unavailable; the name is never used here.
        socketserver.TCPServer.server_bind(self)
        self.server_name = "localhost"
        self.server_port = self.server_address[1]


def main():
    try:
        port = int(sys.argv[1] if len(sys.argv) > 1 else os.environ["PORT"])
    except (KeyError, ValueError):
        port = 0
    if not 1 <= port <= 65535:
        print("usage: worker.py <port>  (or set PORT)", file=sys.stderr)
        sys.exit(2)

    delay_ms = int(os.environ.get("WORKER_START_DELAY_MS") or 0)
    if delay_ms > 0:
        time.sleep(delay_ms / 1000)

    server = Server(("", port), Handler)
    if os.environ.get("WORKER_SILENT") != "1":
        print(f"listening on {port} pid {PID}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
