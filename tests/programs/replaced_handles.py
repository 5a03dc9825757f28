"""Handles asyncio queues and then skips: a timer cancelled while another is
at the head of the heap (both fall due in one iteration: it is moved to the
ready queue anyway and skipped there), and a reader replaced by add_reader
with another callback while its first callback is queued."""
import asyncio
import socket
import time


def first():
    print("first timer")


def second():
    print("never: cancelled")


def reader_one():
    print("never: replaced")


async def main():
    loop = asyncio.get_running_loop()
    loop.call_later(0.01, first)
    loop.call_later(0.011, second).cancel()
    time.sleep(0.03)  # both due at the next poll
    await asyncio.sleep(0)

    a, b = socket.socketpair()
    a.setblocking(False)
    got = loop.create_future()
    loop.add_reader(a, reader_one)
    loop.call_soon(loop.add_reader, a, lambda: got.set_result(a.recv(10)))  # runs before reader_one's turn
    b.send(b"ping")
    print("read", await got)
    loop.remove_reader(a)
    a.close()
    b.close()


asyncio.run(main())
