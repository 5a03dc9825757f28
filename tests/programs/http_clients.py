# aiohttp and httpx clients against a local aiohttp server, all on one loop.
import asyncio

import aiohttp
from aiohttp import web
import httpx

async def hello(request):
    await asyncio.sleep(0.01)
    return web.Response(text="hello " + request.query.get("who", "?"))

async def main():
    app = web.Application()
    app.router.add_get("/", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    async with aiohttp.ClientSession() as s:
        async with s.get(url, params={"who": "aiohttp"}) as r:
            print("aiohttp:", await r.text())
    async with httpx.AsyncClient() as c:
        r = await c.get(url, params={"who": "httpx"})
        print("httpx:", r.text)
    await runner.cleanup()

asyncio.run(main())
