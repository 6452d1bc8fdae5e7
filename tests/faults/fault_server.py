"""A loopback HTTP/1.1 server whose every path is a fault (real sockets, a free port).

A request for ``/faults/<name>[/...]`` is answered by the fault ``<name>`` (`FAULTS`);
each connection serves one request (``Connection: close``), in its own thread. Every
loop is bounded (bytes sent, seconds waited) and ends when the client goes away or the
server stops, so a client that misbehaves cannot hang the suite.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from types import TracebackType
from typing import Final

MAX_WAIT: Final = 8.0
"""No fault keeps a connection open longer than this."""
HUGE: Final = 64 * 1024 * 1024
"""What the huge bodies would send (they stop as soon as the client stops reading)."""
BOMB_SIZE: Final = 64 * 1024 * 1024
"""The decompressed size of the gzip bomb."""

OK_BODY: Final = b'{"id": "item-1"}'


@dataclass
class Seen:
    """One request as the server read it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Exchange:
    """What a fault handler works with: the request and the connection to answer on."""

    server: FaultServer
    conn: socket.socket
    request: Seen
    stop: threading.Event = field(repr=False)

    def send(self, data: bytes) -> bool:
        """Send ``data``; False once the client has gone."""
        try:
            self.conn.sendall(data)
        except OSError:
            return False
        return True

    def respond(
        self,
        status: int,
        body: bytes = b"",
        *,
        headers: dict[str, str] | None = None,
        content_type: str | None = "application/json",
    ) -> None:
        head = [f"HTTP/1.1 {status} X"]
        fields = {"Content-Length": str(len(body)), "Connection": "close"}
        if content_type is not None:
            fields["Content-Type"] = content_type
        fields.update(headers or {})
        head += [f"{name}: {value}" for name, value in fields.items()]
        self.send(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), not a clean close."""
        self.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.conn.close()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; False when the server is stopping."""
        return not self.stop.wait(seconds)


Fault = Callable[[Exchange], None]


@cache
def gzip_bomb(layers: int = 1) -> bytes:
    """``BOMB_SIZE`` zero bytes, gzipped ``layers`` times (about 64 KiB for one layer)."""
    zeros = b"\0" * (1024 * 1024)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as stream:
        for _ in range(BOMB_SIZE // len(zeros)):
            stream.write(zeros)
    data = buffer.getvalue()
    for _ in range(layers - 1):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    return data


def _ok(ex: Exchange) -> None:
    ex.respond(200 if ex.request.method == "GET" else 201, OK_BODY)


def _reset_before_headers(ex: Exchange) -> None:
    ex.reset()


def _reset_after_headers(ex: Exchange) -> None:
    ex.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
    ex.send(b'{"id": "')
    ex.wait(0.05)
    ex.reset()


def _truncated(ex: Exchange) -> None:
    ex.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
    ex.send(b'{"id": "item-1"')  # then a clean close, 85 bytes short


def _bad_content_length(ex: Exchange) -> None:
    ex.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ten\r\n\r\n")
    ex.send(OK_BODY)


def _drip(ex: Exchange) -> None:
    """Headers at once, then one body byte every 0.5 s (each read well inside any limit)."""
    ex.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
    deadline = time.monotonic() + MAX_WAIT
    while time.monotonic() < deadline and ex.wait(0.5):
        if not ex.send(b" "):
            return


def _drip_headers(ex: Exchange) -> None:
    """The status line, then one header byte every 0.5 s."""
    ex.send(b"HTTP/1.1 200 OK\r\n")
    deadline = time.monotonic() + MAX_WAIT
    while time.monotonic() < deadline and ex.wait(0.5):
        if not ex.send(b"X"):
            return


def _hang(ex: Exchange) -> None:
    ex.wait(MAX_WAIT)


def _huge(ex: Exchange) -> None:
    """A declared 64 MiB body, sent until the client stops reading."""
    ex.send(
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {HUGE}\r\n\r\n".encode()
    )
    _stream_zeros(ex, chunked=False)


def _huge_chunked(ex: Exchange) -> None:
    """64 MiB in chunks, no Content-Length: only counting can stop it."""
    ex.send(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    _stream_zeros(ex, chunked=True)


def _stream_zeros(ex: Exchange, *, chunked: bool) -> None:
    piece = b" " * 65536
    frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece
    ex.conn.settimeout(2.0)  # a client that stops reading fills the buffers: give up then
    for _ in range(HUGE // len(piece)):
        if ex.stop.is_set() or not ex.send(frame):
            return
    if chunked:
        ex.send(b"0\r\n\r\n")


def _gzip_bomb(ex: Exchange, layers: int = 1) -> None:
    encoding = ", ".join(["gzip"] * layers)
    ex.respond(200, gzip_bomb(layers), headers={"Content-Encoding": encoding})


def _gzip_bomb_stacked(ex: Exchange) -> None:
    _gzip_bomb(ex, layers=2)


def _bad_gzip(ex: Exchange) -> None:
    ex.respond(200, b"this is not gzip at all", headers={"Content-Encoding": "gzip"})


def _gzip_ok(ex: Exchange) -> None:
    ex.respond(200, gzip.compress(OK_BODY), headers={"Content-Encoding": "gzip"})


def _redirect(status: int) -> Fault:
    def fault(ex: Exchange) -> None:
        ex.respond(status, headers={"Location": ex.request.path})  # to itself: a loop

    return fault


def _redirect_once(ex: Exchange) -> None:
    ex.respond(302, headers={"Location": "/faults/ok"})


def _redirect_away(ex: Exchange) -> None:
    # 127.0.0.1 and localhost are different origins (same server, same port).
    port = ex.server.port
    ex.respond(302, headers={"Location": f"http://localhost:{port}/faults/ok"})


def _redirect_ftp(ex: Exchange) -> None:
    ex.respond(302, headers={"Location": "ftp://127.0.0.1/faults/ok"})


def _retry_after_60(ex: Exchange) -> None:
    body = b'{"errors": [{"code": "10011", "title": "Too many requests"}]}'
    ex.respond(429, body, headers={"Retry-After": "60"})


def _invalid_json(ex: Exchange) -> None:
    ex.respond(200, b'{"id": "item-1"')


def _wrong_content_type(ex: Exchange) -> None:
    ex.respond(200, b"<html><body>Welcome to our portal</body></html>", content_type="text/html")


def _non_utf8(ex: Exchange) -> None:
    ex.respond(200, b'{"id": "\xff\xfe\xfa"}')


def _empty_200(ex: Exchange) -> None:
    ex.respond(200, b"")


FAULTS: Final[dict[str, Fault]] = {
    "ok": _ok,
    "gzip-ok": _gzip_ok,
    "reset-before-headers": _reset_before_headers,
    "reset-after-headers": _reset_after_headers,
    "truncated": _truncated,
    "bad-content-length": _bad_content_length,
    "drip": _drip,
    "drip-headers": _drip_headers,
    "hang": _hang,
    "huge": _huge,
    "huge-chunked": _huge_chunked,
    "gzip-bomb": _gzip_bomb,
    "gzip-bomb-stacked": _gzip_bomb_stacked,
    "bad-gzip": _bad_gzip,
    **{f"redirect-{status}": _redirect(status) for status in (301, 302, 303, 307, 308)},
    "redirect-once": _redirect_once,
    "redirect-away": _redirect_away,
    "redirect-ftp": _redirect_ftp,
    "retry-after-60": _retry_after_60,
    "invalid-json": _invalid_json,
    "wrong-content-type": _wrong_content_type,
    "non-utf8": _non_utf8,
    "empty-200": _empty_200,
}


class FaultServer:
    """The server: `url`, `hits` (requests per fault name) and `seen` (every request)."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.1)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.hits: Counter[str] = Counter()
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name="fault-server", daemon=True)

    def __enter__(self) -> FaultServer:
        self._acceptor.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._acceptor.join(5)
        for thread in self._threads:
            thread.join(MAX_WAIT + 2)
        self._listener.close()

    def reset(self) -> None:
        with self._lock:
            self.hits.clear()
            self.seen.clear()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(MAX_WAIT)
        try:
            request = _read_request(conn)
            if request is None:
                return
            parts = request.path.split("?")[0].split("/")
            name = parts[2] if len(parts) > 2 and parts[1] == "faults" else "ok"
            with self._lock:
                self.hits[name] += 1
                self.seen.append(request)
            FAULTS[name](Exchange(self, conn, request, self._stop))
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()


def _read_request(conn: socket.socket) -> Seen | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk or len(data) > 1024 * 1024:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    request_line, *lines = head.decode("latin-1").split("\r\n")
    method, path, _ = request_line.split(" ", 2)
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return Seen(method, path, headers, body)
