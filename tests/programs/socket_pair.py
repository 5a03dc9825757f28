"""Strict request and reply over a socket pair, streams on both ends: one
socket is ready at a time, so every run has the same events in the same
order. The recorder's two paths (C and pure Python) are compared on it
(test_recorder), readers and writers included."""
import asyncio
import socket


async def serve(reader, writer):
    while line := await reader.readline():
        writer.write(b"re: " + line)
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    a, b = socket.socketpair()
    server = asyncio.create_task(serve(*await asyncio.open_connection(sock=a)))
    reader, writer = await asyncio.open_connection(sock=b)
    for i in range(25):
        writer.write(b"%d\n" % i)
        await writer.drain()
        print((await reader.readline()).decode().strip())
    writer.close()
    await writer.wait_closed()
    await server


asyncio.run(main())
