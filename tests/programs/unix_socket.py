"""A server and a client on a Unix socket, with the streams API and with the
loop's sock_* calls: every wait names the socket's path."""
import asyncio
import os
import socket
import tempfile


async def handle(reader, writer):
    writer.write((await reader.readline()).upper())
    await writer.drain()
    writer.close()


async def main():
    loop = asyncio.get_running_loop()
    path = os.path.join(tempfile.mkdtemp(), "echo.sock")
    server = await asyncio.start_unix_server(handle, path)
    reader, writer = await asyncio.open_unix_connection(path)
    writer.write(b"streams\n")
    await writer.drain()
    print((await reader.readline()).decode().strip())
    writer.close()
    sock = socket.socket(socket.AF_UNIX)
    sock.setblocking(False)
    await loop.sock_connect(sock, path)
    await loop.sock_sendall(sock, b"sock calls\n")
    print((await loop.sock_recv(sock, 100)).decode().strip())
    sock.close()
    server.close()
    await server.wait_closed()
    os.unlink(path)
    os.rmdir(os.path.dirname(path))


asyncio.run(main())
