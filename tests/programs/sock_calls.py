"""The loop's low-level socket calls, no transports: loop.sock_accept,
sock_connect, sock_recv and sock_sendall register the socket's reader or
writer themselves, and remove it when the call's future is done."""
import asyncio
import socket


async def server(listener):
    loop = asyncio.get_running_loop()
    conn, _ = await loop.sock_accept(listener)
    data = await loop.sock_recv(conn, 100)
    await loop.sock_sendall(conn, data.upper())
    conn.close()


async def client(port):
    loop = asyncio.get_running_loop()
    sock = socket.socket()
    sock.setblocking(False)
    await loop.sock_connect(sock, ("127.0.0.1", port))
    await loop.sock_sendall(sock, b"hello")
    print("client got", await loop.sock_recv(sock, 100))
    sock.close()


async def main():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    await asyncio.gather(server(listener), client(listener.getsockname()[1]))
    listener.close()


asyncio.run(main())
