# A server for real clients (nc, curl): answers each line (or an HTTP request) and keeps serving.
# usage: echo_server.py PORTFILE   (writes the port it listens on to PORTFILE)
import asyncio
import sys

async def handle(reader, writer):
    peer = writer.get_extra_info("peername")
    line = await reader.readline()
    print("request from client:", line.decode().strip())
    if line.startswith(b"GET "):
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        writer.write(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nhi\n")
    else:
        writer.write(b"echo " + line)
    await writer.drain()
    writer.close()
    await writer.wait_closed()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with open(sys.argv[1], "w") as f:
        f.write(str(port))
    print("listening on", port, flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
