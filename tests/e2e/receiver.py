"""A fake webhook receiver for the end-to-end tests: logs each alert's webhook-id (and, when a
third argument names a file, each body as one line), answers 200. A fourth argument names a
file: while it exists, a body containing its text is refused with 400 (and not logged)."""
import http.server
import os
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("content-length", 0))
        body = self.rfile.read(length)
        if len(sys.argv) > 4 and os.path.exists(sys.argv[4]):
            with open(sys.argv[4], "rb") as refuse:
                if refuse.read().strip() in body:
                    self.send_response(400)
                    self.end_headers()
                    self.wfile.write(b"refused by the test")
                    return
        with open(sys.argv[2], "a") as log:
            log.write(self.headers.get("webhook-id", "-") + "\n")
        if len(sys.argv) > 3:
            with open(sys.argv[3], "ab") as bodies:
                bodies.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
