"""An I/O-bound asyncio program for the recorder's overhead figure: 20 clients
each make 50 requests to a local asyncio server that waits 5 ms (a database, an
upstream) before it answers. Most of the run is spent waiting, as in a typical
web service."""
import asyncio

async def handle(reader, writer):
    while line := await reader.readline():
        await asyncio.sleep(0.005)
        writer.write(b"ok " + line)
        await writer.drain()
    writer.close()

async def client(port, n):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for i in range(n):
        writer.write(b"%d\n" % i)
        await writer.drain()
        await reader.readline()
    writer.close()
    await writer.wait_closed()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await asyncio.gather(*(client(port, 50) for _ in range(20)))

asyncio.run(main())
