#!/usr/bin/python3
"""Holds many idle HTTP/1.1 keep-alive connections open to a server.

    idle_connections.py <port> <count>

Each connection makes one request (GET /healthz), reads the whole answer, and then stays
open, idle. Prints "ready <count> ..." once all are open, and closes them all when its
standard input closes.
"""
import asyncio
import sys
import time

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: eventd-bench-idle\r\n\r\n"


async def open_one(port: int, gate: asyncio.Semaphore, writers: list) -> None:
    async with gate:  # not all at once: the listen backlog is finite
        for attempt in range(5):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.05 * (attempt + 1))
        else:
            raise OSError("cannot connect")
        writer.write(REQUEST)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if not head.startswith(b"HTTP/1.1 200"):
            raise OSError(f"answered {head.splitlines()[0]!r}")
        await reader.readexactly(length)
        writers.append(writer)


async def main(port: int, count: int) -> None:
    gate = asyncio.Semaphore(256)
    writers: list = []
    started = time.time()
    results = await asyncio.gather(*(open_one(port, gate, writers) for _ in range(count)), return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        print(f"failed {len(failures)} of {count}: {failures[0]!r}", flush=True)
        return
    print(f"ready {len(writers)} connections open in {time.time() - started:.1f} s", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until stdin closes
    for writer in writers:
        writer.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
