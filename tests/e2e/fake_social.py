#!/usr/bin/env python3
"""A stand-in for Mastodon's streaming API and Bluesky's Jetstream, on loopback, for the
live-source end-to-end test. Usage: fake_social.py PORT DIR

DIR/phase (a number) says what to serve; every request line is appended to DIR/requests.log.
- GET /api/v1/streaming/public: needs "Authorization: Bearer e2e-token" (401 otherwise);
  an SSE stream (chunked, like Mastodon): ":)", the phase's statuses as `update` events, a
  `delete`, then ":thump" heartbeats until the client goes away.
- GET /api/v1/timelines/public?min_id=N: the phase's missed statuses with an id above N.
- GET /subscribe (WebSocket): the phase's Jetstream commit frames, then pings.
- GET /2/tweets/search/stream: needs "Authorization: Bearer e2e-x-token"; the phase's X posts
  as \r\n-delimited JSON (chunked), a duplicate, then \r\n heartbeats.
"""
import base64
import hashlib
import json
import os
import socketserver
import struct
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

PORT, DIR = int(sys.argv[1]), sys.argv[2]

def status(sid, text):
    return {"id": str(sid), "uri": f"https://fake.example/users/klant/statuses/{sid}",
            "url": f"https://fake.example/@klant/{sid}", "created_at": "2026-11-24T09:00:00.000Z",
            "in_reply_to_id": None, "language": "en", "content": f"<p>{text}</p>",
            "spoiler_text": "", "reblog": None, "replies_count": 0, "reblogs_count": 0,
            "account": {"id": "7", "acct": "klant@fake.example", "display_name": "Klant",
                        "followers_count": 12}}

def commit(time_us, rkey, text):
    return {"did": "did:plc:e2eklant", "time_us": time_us, "kind": "commit",
            "commit": {"rev": "r" + rkey, "operation": "create", "collection": "app.bsky.feed.post",
                       "rkey": rkey, "cid": "bafy" + rkey,
                       "record": {"$type": "app.bsky.feed.post", "createdAt": "2026-11-24T09:00:00.000Z",
                                  "langs": ["en"], "text": text}}}

def tweet(tid, text):
    return {"data": {"id": str(tid), "text": text, "lang": "en", "author_id": "42",
                     "created_at": "2026-11-24T09:00:00.000Z", "conversation_id": str(tid),
                     "public_metrics": {"retweet_count": 0, "reply_count": 0}},
            "includes": {"users": [{"id": "42", "username": "klant", "name": "Klant",
                                    "public_metrics": {"followers_count": 12}}]},
            "matching_rules": [{"id": "1", "tag": "brand"}]}

T1, T2, T3 = 1795000000000001, 1795000000500002, 1795000001000003
PHASES = {
    1: {"stream": [status(101, "my suitcase is lost mastodon-one"),
                   status(102, "still no suitcase mastodon-two")],
        "missed": [],
        "jetstream": [commit(T1, "3kaaa1", "lost my suitcase bluesky-one"),
                      commit(T2, "3kaaa2", "where is my suitcase bluesky-two")],
        "x": [tweet(1801, "my suitcase &amp; coat are lost x-one")]},
    2: {"stream": [status(104, "suitcase broken mastodon-four")],
        "missed": [status(103, "suitcase gone mastodon-three")],
        "jetstream": [commit(T2, "3kaaa2", "where is my suitcase bluesky-two"),
                      commit(T3, "3kaaa3", "suitcase damaged bluesky-three")],
        "x": [tweet(1802, "suitcase still missing x-two")]},
}

def phase():
    try:
        return PHASES[int(open(os.path.join(DIR, "phase")).read().strip())]
    except (OSError, ValueError, KeyError):
        return PHASES[1]

def log(line):
    with open(os.path.join(DIR, "requests.log"), "a") as f:
        f.write(line + "\n")

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def do_GET(self):
        log(self.path)
        url = urlparse(self.path)
        try:
            if url.path == "/api/v1/streaming/public":
                self.stream(url)
            elif url.path == "/api/v1/timelines/public":
                self.timeline(url)
            elif url.path == "/subscribe":
                self.jetstream()
            elif url.path == "/2/tweets/search/stream":
                self.x_stream()
            else:
                self.reply(400, b'{"error":"Unknown channel requested"}')
        except (BrokenPipeError, ConnectionResetError):
            pass

    def reply(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def stream(self, url):
        if self.headers.get("Authorization") != "Bearer e2e-token":
            self.reply(401, b'{"error":"The access token is invalid"}')
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.chunk(b":)\n")
        for s in phase()["stream"]:
            event = b"event: update\ndata: " + json.dumps(s).encode() + b"\n\n"
            self.chunk(event[:20])  # split inside an event, as TCP may
            self.chunk(event[20:])
        self.chunk(b"event: delete\ndata: 99\n\n")
        for _ in range(600):
            time.sleep(0.5)
            self.chunk(b":thump\n")

    def x_stream(self):
        if self.headers.get("Authorization") != "Bearer e2e-x-token":
            self.reply(401, b'{"title":"Unauthorized","status":401}')
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for t in phase()["x"]:
            line = json.dumps(t).encode() + b"\r\n"
            self.chunk(line[:30])
            self.chunk(line[30:])
            self.chunk(line)  # X may deliver a post twice
        for _ in range(600):
            time.sleep(0.5)
            self.chunk(b"\r\n")

    def timeline(self, url):
        min_id = int(parse_qs(url.query).get("min_id", ["0"])[0])
        missed = [s for s in phase()["missed"] if int(s["id"]) > min_id]
        self.reply(200, json.dumps(sorted(missed, key=lambda s: -int(s["id"]))).encode())

    def frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([len(payload)])
        elif len(payload) < 65536:
            header += bytes([126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([127]) + struct.pack(">Q", len(payload))
        self.wfile.write(header + payload)
        self.wfile.flush()

    def jetstream(self):
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1(
            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        for event in phase()["jetstream"]:
            self.frame(0x1, json.dumps(event).encode())
        for _ in range(600):
            time.sleep(0.5)
            self.frame(0x9, b"")  # ping; the client's pong is not read (the test ends first)

class Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # the script's port probe and clients that hang up are not errors

Server(("127.0.0.1", PORT), Handler).serve_forever()
