"""A stand-in for SP4N-LAPOR!: a tiny threaded HTTP server that answers each forward after a delay.

    python -m bench.stub_receiver [--delay 0.005] [--port 0] [--close] [--tls CERT KEY]

Prints `port <n>` once listening. Every POST waits `--delay` seconds (the national system's own
work), then answers 200 with {"tracking_id": "LAPOR-<n>"}. GET /count answers
{"requests": n, "keys": distinct Idempotency-Keys, "connections": TCP connections accepted}, so a
bench can check every forward arrived once. Connections are kept alive between requests, as a real
HTTP/1.1 server (nginx, say) keeps them; --close closes each after its answer. --tls serves HTTPS
with that certificate, as the national system does (bench/sweeps.py --tls makes a throwaway one).
bench/sweeps.py runs it in its own process, so its CPU time is not counted as the application's.
"""
import argparse
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StubReceiver(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, port=0, delay=0.005, close=False):
        super().__init__(("127.0.0.1", port), _Handler)
        self.delay, self.close = delay, close
        self.lock = threading.Lock()
        self.requests = self.connections = 0
        self.keys = set()

    def process_request(self, request, client_address):
        with self.lock:
            self.connections += 1
        super().process_request(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The answer's head and body leave in two writes: with Nagle's algorithm the body would wait
    # for the client's delayed ACK (40 ms) on a kept-alive connection. nginx sets tcp_nodelay too.
    disable_nagle_algorithm = True

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(self.server.delay)
        with self.server.lock:
            self.server.requests += 1
            self.server.keys.add(self.headers.get("Idempotency-Key"))
            number = self.server.requests
        self._answer({"tracking_id": f"LAPOR-{number}"})

    def do_GET(self):
        with self.server.lock:
            self._answer({"requests": self.server.requests, "keys": len(self.server.keys),
                          "connections": self.server.connections})

    def _answer(self, data):
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if self.server.close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--delay", type=float, default=0.005)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--close", action="store_true", help="close each connection after its answer")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="serve HTTPS with this certificate and key")
    a = p.parse_args(argv)
    server = StubReceiver(a.port, a.delay, a.close)
    if a.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*a.tls)
        # The handshake happens in each connection's own thread, not in the loop that accepts them.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    print(f"port {server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
