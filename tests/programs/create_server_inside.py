"""A task suspended inside an asyncio call of the user's line, on that call's own
inner await: asyncio.start_server (line 27) runs loop.create_server, which
awaits a gather() of its getaddrinfo lookups and then its own asyncio.sleep(0);
asyncio.wait (line 29) awaits a future of its own. Neither sleep(0) nor that
future is written here: a step.end there carries `via`, the call the line made."""
import asyncio


async def handle(reader, writer):
    data = await reader.readline()
    writer.write(data.upper())
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def client(port, text):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(text.encode() + b"\n")
    answer = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return answer.decode().strip()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    done, _ = await asyncio.wait({asyncio.create_task(client(port, "one")),
                                  asyncio.create_task(client(port, "two"))})
    print(sorted(t.result() for t in done))
    server.close()
    await server.wait_closed()


asyncio.run(main())
