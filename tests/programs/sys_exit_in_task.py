"""sys.exit() inside a task: Task.__step stores the SystemExit in the task
and raises it again, Handle._run lets it through, and it leaves _run_once,
run_forever and run_until_complete in the middle of an iteration. asyncio.run's
Runner.close() then cancels the tasks left (main among them) and runs the
shutdown before SystemExit goes on up. Caught here, so the program exits 0."""
import asyncio
import sys


async def watchdog():
    await asyncio.sleep(0.01)
    print("watchdog: exiting")
    sys.exit(3)


async def main():
    asyncio.create_task(watchdog(), name="watchdog")
    await asyncio.sleep(1)
    print("never printed")


try:
    asyncio.run(main())
except SystemExit as e:
    print("asyncio.run was left by SystemExit", e.code)
