// producer-consumer: asyncio.Queue with a bound. The producer's put waits
// while the queue is full; the consumer's get waits while it is empty. The
// queue's size never passes maxsize: backpressure paces the producer.
#include "core/queue.hpp"
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio


async def producer(queue, items):
    for i in range(1, items + 1):
        await queue.put(f"item{i}")  # waits while the queue is full
        print(f"producer: put item{i}, queue size {queue.qsize()}")
    print("producer: done")


async def consumer(queue, work):
    while True:
        item = await queue.get()  # waits while the queue is empty
        print(f"consumer: got {item}, queue size {queue.qsize()}")
        await asyncio.sleep(work)
        queue.task_done()


async def main():
    queue = asyncio.Queue(maxsize=${maxsize})
    consumer_task = asyncio.create_task(consumer(queue, ${work}))
    producer_task = asyncio.create_task(producer(queue, ${items}))
    await producer_task
    await queue.join()  # until every item is marked done
    consumer_task.cancel()
    print("main: every item was consumed")


asyncio.run(main())
)PY";

Coro producer(Queue queue, int items) {
  for (int i = 1; i <= items; ++i) {
    std::string item = "item" + std::to_string(i);
    co_await queue.put(item, 6);
    print(7, "producer: put " + item + ", queue size " + std::to_string(queue.qsize()));
  }
  print(8, "producer: done");
  co_return {};
}

Coro consumer(Queue queue, double work) {
  while (true) {
    Value item = co_await queue.get(13);
    print(14, "consumer: got " + item.str_text() + ", queue size " + std::to_string(queue.qsize()));
    co_await sleep(work).at(15);
    queue.task_done();
  }
}

Coro producer_consumer_main(const Params& p) {
  Queue queue(p.integer("maxsize"));
  Task& consumer_task = create_task(consumer(queue, p.num("work")).named("consumer"), 21);
  Task& producer_task = create_task(producer(queue, p.integer("items")).named("producer"), 22);
  co_await at(producer_task, 23);
  co_await queue.join(24);
  consumer_task.cancel();
  print(26, "main: every item was consumed");
  co_return {};
}

}  // namespace

Scenario scenario_producer_consumer() {
  Scenario s;
  s.id = "producer-consumer";
  s.title = "Queue: producer and consumer";
  s.lesson =
      "The consumer starts first and waits on an empty queue. The producer is fast, so it fills the queue to "
      "maxsize and its next put waits until the slow consumer takes an item: backpressure. queue.join() waits "
      "until every item was marked done; then main cancels the consumer, which is waiting on an empty queue again.";
  s.listing = kListing;
  s.params = {integer_param("maxsize", "2", 0, 10, "queue bound (0 = unbounded)"),
              integer_param("items", "6", 1, 30, "items to produce"),
              {"work", "0.05", 0.01, 2, {}, "seconds the consumer spends per item"}};
  s.main = producer_consumer_main;
  return s;
}

}  // namespace loopscope
