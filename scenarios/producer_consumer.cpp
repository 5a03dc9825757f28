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
        await queue.put(f"item{i}")  # waits while the queue is full  # @put
        print(f"producer: put item{i}, queue size {queue.qsize()}")  # @put_print
    print("producer: done")  # @producer_done


async def consumer(queue, work):
    while True:
        item = await queue.get()  # waits while the queue is empty  # @get
        print(f"consumer: got {item}, queue size {queue.qsize()}")  # @got
        await asyncio.sleep(work)  # @work
        queue.task_done()


async def main():
    queue = asyncio.Queue(maxsize=${maxsize})
    consumer_task = asyncio.create_task(consumer(queue, ${work}))  # @create_consumer
    producer_task = asyncio.create_task(producer(queue, ${items}))  # @create_producer
    await producer_task  # @await_producer
    await queue.join()  # until every item is marked done  # @join
    consumer_task.cancel()
    print("main: every item was consumed")  # @consumed


asyncio.run(main())
)PY";

// The listing's marked lines (`# @name`), resolved when the scenario is registered.
struct Lines {
  int put, put_print, producer_done, get, got, work, create_consumer, create_producer, await_producer, join, consumed;
} L;

Coroutine producer(Queue queue, int items) {
  for (int i = 1; i <= items; ++i) {
    std::string item = "item" + std::to_string(i);
    co_await queue.put(item, L.put);
    print(L.put_print, "producer: put " + item + ", queue size " + std::to_string(queue.qsize()));
  }
  print(L.producer_done, "producer: done");
  co_return {};
}

Coroutine consumer(Queue queue, double work) {
  while (true) {
    Value item = co_await queue.get(L.get);
    print(L.got, "consumer: got " + item.str_text() + ", queue size " + std::to_string(queue.qsize()));
    co_await sleep(work).at(L.work);
    queue.task_done();
  }
}

Coroutine producer_consumer_main(const Params& p) {
  Queue queue(p.integer("maxsize"));
  Task& consumer_task = create_task(consumer(queue, p.num("work")).named("consumer"), L.create_consumer);
  Task& producer_task = create_task(producer(queue, p.integer("items")).named("producer"), L.create_producer);
  co_await at(producer_task, L.await_producer);
  co_await queue.join(L.join);
  consumer_task.cancel();
  print(L.consumed, "main: every item was consumed");
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
  Listing listing("producer-consumer", kListing);
  L = {.put = listing.line("put"), .put_print = listing.line("put_print"),
      .producer_done = listing.line("producer_done"), .get = listing.line("get"), .got = listing.line("got"),
      .work = listing.line("work"), .create_consumer = listing.line("create_consumer"),
      .create_producer = listing.line("create_producer"), .await_producer = listing.line("await_producer"),
      .join = listing.line("join"), .consumed = listing.line("consumed")};
  s.listing = listing.text();
  s.params = {integer_param("maxsize", "2", 0, 10, "queue bound (0 = unbounded)"),
              integer_param("items", "6", 1, 30, "items to produce"),
              {"work", "0.05", 0.01, 2, {}, "seconds the consumer spends per item"}};
  s.main = producer_consumer_main;
  return s;
}

}  // namespace loopscope
