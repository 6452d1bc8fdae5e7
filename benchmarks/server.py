"""A loopback HTTP/1.1 server for the call benchmarks: ``python -m benchmarks.server [BODIES]``.

``BODIES`` (default: `benchmarks.first_call.BODIES`) is a JSON object mapping a request path (query ignored) to the JSON body it
answers with 200; any other path gets 404. Listens on a free port of 127.0.0.1 and
prints it on the first line of stdout. Raw asyncio, so the server costs the clients
as little as possible.
"""

from __future__ import annotations

import asyncio
import json
import sys


def _response(status: bytes, body: bytes) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: application/json\r\ncontent-length: "
        + str(len(body)).encode() + b"\r\n\r\n" + body
    )  # fmt: skip


class _Protocol(asyncio.Protocol):
    def __init__(self, answers: dict[bytes, bytes]) -> None:
        self.answers = answers
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if not sep:
                return
            length = 0
            lines = head.split(b"\r\n")
            for line in lines[1:]:
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if len(rest) < length:
                return
            self.buffer = rest[length:]
            target = lines[0].split(b" ")[1].split(b"?")[0]
            answer = self.answers.get(target)
            self.transport.write(answer or _response(b"404 Not Found", b"{}"))


async def _serve(bodies: dict[str, object]) -> None:
    answers = {
        path.encode(): _response(b"200 OK", json.dumps(body).encode())
        for path, body in bodies.items()
    }
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Protocol(answers), "127.0.0.1", 0, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(_serve(json.loads(sys.argv[1])))
    else:
        from benchmarks.first_call import BODIES

        asyncio.run(_serve(BODIES))
