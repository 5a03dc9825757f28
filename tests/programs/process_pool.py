"""run_in_executor with a ProcessPoolExecutor: the function goes to another
process, pickled (so it must reach the pool as it is)."""
import asyncio
import concurrent.futures


def square(x):
    return x * x


async def main():
    loop = asyncio.get_running_loop()
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        first = await loop.run_in_executor(pool, square, 5)
        squares = await asyncio.gather(*(loop.run_in_executor(pool, square, i) for i in range(4)))
    print(first, squares)


if __name__ == "__main__":
    asyncio.run(main())
