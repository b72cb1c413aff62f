"""A loopback TCP server that accepts connections and never answers (a hung SMTP or database).

Bounded: it listens on 127.0.0.1 only, and its thread ends when the test stops it or after
`lifetime` seconds, closing every connection it holds.
"""
import socket
import threading
import time


class HungServer:
    def __init__(self, lifetime=120):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.accepted = 0
        self._stop = threading.Event()
        self._deadline = time.monotonic() + lifetime
        self._thread = threading.Thread(target=self._serve, name="hung-server", daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            try:
                connection, _address = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            self.connections.append(connection)  # held open, never read from or written to
            self.accepted += 1
        self._close_all()
        self.listener.close()

    def release(self):
        """Drop the connections held so far: their clients see the connection closed."""
        self._close_all()

    def _close_all(self):
        while self.connections:
            connection = self.connections.pop()
            try:
                connection.close()
            except OSError:
                pass

    def wait_for_connection(self, seconds=10):
        deadline = time.monotonic() + seconds
        while self.accepted == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.accepted > 0

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)


def closed_port():
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FreezableProxy:
    """Forwards loopback TCP to a real server; once frozen it passes nothing on, either way.

    A frozen proxy is a database that went silent with its connections open (a blackhole seen
    from the client: what it sends is accepted, and no answer ever comes).
    """

    def __init__(self, target_port, lifetime=120):
        import select
        self._select = select.select
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.frozen = threading.Event()
        self._stop = threading.Event()
        self._deadline = time.monotonic() + lifetime
        self._sockets = []
        self._thread = threading.Thread(target=self._serve, name="proxy", daemon=True)
        self._thread.start()

    def _running(self):
        return not self._stop.is_set() and time.monotonic() < self._deadline

    def _serve(self):
        while self._running():
            try:
                client, _address = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            server = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            self._sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()
        self.listener.close()

    def _pump(self, source, target):
        while self._running():
            if self.frozen.is_set():
                time.sleep(0.05)
                continue
            readable, _w, _x = self._select([source], [], [], 0.1)
            if not readable:
                continue
            try:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
            except OSError:
                break
        for sock in (source, target):
            try:
                sock.close()
            except OSError:
                pass

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)
        for sock in self._sockets:
            try:
                sock.close()
            except OSError:
                pass
