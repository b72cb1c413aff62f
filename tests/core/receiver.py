"""A real HTTP receiver on 127.0.0.1 for the forwarding and outbox tests: it answers from a script
and records every request, so the tests see what actually travelled (bytes, Idempotency-Key,
signature)."""
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "rahasia-penandatangan"  # what forwards are signed with in these tests


class Receiver:
    """A real HTTP endpoint: answers POSTs from a script (the last answer repeats) and records them.

    An answer (DROP,) closes the connection without answering. With `keep_alive` it speaks HTTP/1.1
    and keeps connections open between requests, as a production server does; otherwise each
    connection ends after its answer (HTTP/1.0). Bounded: it stops itself after `lifetime`
    seconds even if a test never stops it.
    """

    def __init__(self, answers=((200, {}),), *, port=0, delay=0.0, lifetime=60, keep_alive=False):
        self.answers, self.delay, self.requests = list(answers), delay, []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"
            disable_nagle_algorithm = True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.requests.append(Request(dict(self.headers), body, self.client_address, self.path))
                    answer = receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                if answer == (DROP,):
                    self.close_connection = True
                    return
                status, content, *headers = answer
                if receiver.delay:
                    threading.Event().wait(receiver.delay)
                data = content if isinstance(content, bytes) else json.dumps(content).encode()
                try:
                    self.send_response(status)
                    for name, value in (headers[0] if headers else {}).items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/pengaduan"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True

    def __enter__(self):
        self._thread.start()
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self._timer.cancel()
        self.server.shutdown()
        self.server.server_close()


DROP = "drop"


class Request:
    def __init__(self, headers, body, peer, path):
        self.headers, self.body, self.path = headers, body, path
        self.peer = peer  # the sender's (address, port): one per TCP connection


def free_port():
    """A port where nothing listens (the receiver is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
