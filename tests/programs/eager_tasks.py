# 3.12+: an eager task factory runs the first step inside create_task, with no push.
import asyncio
async def child(n):
    print("child", n, "starts eagerly")
    await asyncio.sleep(0.01)
    print("child", n, "done")
    return n
async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    t = asyncio.create_task(child(1))
    print("after create_task")
    print(await t)
asyncio.run(main())
