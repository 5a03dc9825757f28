# aiofiles (thread pool) and aiosqlite (its own thread, call_soon_threadsafe).
import asyncio
import os
import sys
import tempfile

import aiofiles
import aiosqlite

async def main():
    d = tempfile.mkdtemp()
    path = os.path.join(d, "notes.txt")
    async with aiofiles.open(path, "w") as f:
        await f.write("hello from aiofiles\n")
    async with aiofiles.open(path) as f:
        print("file says:", (await f.read()).strip())
    async with aiosqlite.connect(os.path.join(d, "books.db")) as db:
        await db.execute("create table books (title text)")
        await db.execute("insert into books values ('SICP')")
        await db.commit()
        async with db.execute("select title from books") as cur:
            print("db says:", [r[0] async for r in cur])

asyncio.run(main())
