"""A small, bounded HTTP/1.1 load generator: N keep-alive connections on one event loop.

Written for the benchmark instead of ``requests`` + threads, whose client-side
cost (and the GIL) would cap the measured rate well below what the simulator
serves. Each connection sends one request, reads the whole response
(Content-Length framing, which is all the simulator uses) and sends the next.
"""

from __future__ import annotations

import asyncio
import random
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """Latency (seconds) below which ``fraction`` of the requests finished."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _connection(
    host: str,
    port: int,
    context: ssl.SSLContext | None,
    paths: Sequence[str],
    headers: dict[str, str],
    deadline: float,
    result: LoadResult,
    rng: random.Random,
) -> None:
    reader, writer = await asyncio.open_connection(
        host, port, ssl=context, server_hostname=host if context else None
    )
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    prefix = f"Host: {host}:{port}\r\n{extra}\r\n".encode()
    try:
        while time.perf_counter() < deadline:
            path = rng.choice(paths)
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\n".encode() + prefix)
            status = await _read_response(reader)
            result.latencies.append(time.perf_counter() - started)
            result.requests += 1
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status >= 400:
                result.errors += 1
    finally:
        writer.close()


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def _run(
    host: str,
    port: int,
    context: ssl.SSLContext | None,
    paths: Sequence[str],
    headers: dict[str, str],
    connections: int,
    seconds: float,
) -> LoadResult:
    result = LoadResult()
    started = time.perf_counter()
    deadline = started + seconds
    rng = random.Random(4600)
    await asyncio.gather(
        *(
            _connection(host, port, context, paths, headers, deadline, result, rng)
            for _ in range(connections)
        )
    )
    result.seconds = time.perf_counter() - started
    return result


def run_load(
    host: str,
    port: int,
    paths: Sequence[str],
    *,
    headers: dict[str, str],
    ca_file: str | None,
    connections: int = 16,
    seconds: float = 10.0,
) -> LoadResult:
    """GET random ``paths`` over ``connections`` keep-alive connections for ``seconds``."""
    context = None
    if ca_file:
        context = ssl.create_default_context(cafile=ca_file)
    job = _run(host, port, context, paths, headers, connections, seconds)
    try:
        import uvloop
    except ImportError:  # the simulator extra brings it; plain asyncio is only slower
        return asyncio.run(job)
    return uvloop.run(job)
