#include "client_loop.hpp"

#include "asyncio_run.hpp"

namespace loopscope {

ClientLoop::ClientLoop(Loop& owner, std::function<Coroutine()> main, LoopOptions opts)
    : owner_(owner), main_(std::move(main)) {
  done_ = owner.make<Future>("client loop");
  uv_async_init(owner.uv(), &async_, &ClientLoop::on_async);
  async_.data = this;
  owner.forward_stops([this](StopReason why) { request_stop(why); });
  owner.on_close(
      [this] {
        if (owner_.ending_badly()) request_stop(owner_.stop_reason() == StopReason::none ? StopReason::sigint
                                                                                          : owner_.stop_reason());
        join();
        if (!async_closed_) {
          async_closed_ = true;
          uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
        }
      },
      /*late=*/true);
  thread_ = std::thread([this, opts] { thread_main(opts); });
}

ClientLoop::~ClientLoop() { join(); }

void ClientLoop::join() {
  if (thread_.joinable()) thread_.join();
}

void ClientLoop::request_stop(StopReason why) {
  std::lock_guard<std::mutex> lock(stop_mutex_);
  if (client_) client_->request_stop(why);
  else if (pending_stop_ == StopReason::none) pending_stop_ = why;
}

void ClientLoop::thread_main(LoopOptions opts) {
  RunHooks hooks;
  // While the loop is open, request_stop reaches it.
  hooks.opened = [this](Loop& loop) {
    std::lock_guard<std::mutex> lock(stop_mutex_);
    client_ = &loop;
    if (pending_stop_ != StopReason::none) loop.request_stop(pending_stop_);
  };
  hooks.closing = [this](Loop&) {
    std::lock_guard<std::mutex> lock(stop_mutex_);
    client_ = nullptr;
  };
  try {
    MainOutcome o = asyncio_run(owner_.trace(), opts, main_, "client-main", hooks);
    result_ = std::move(o.value);
    error_ = o.error;
    deadlock_ = o.deadlock;
    close_rc_ = o.close_rc;
  } catch (...) {  // the loop itself could not be made (no file descriptor left for it)
    error_ = std::current_exception();
    close_rc_ = 0;
  }
  main_ = nullptr;  // its captures die on this thread, before the owner is told
  // An owner blocked in a blocking call (sequential-server's accept) would wait forever for these clients.
  if (error_) owner_.interrupt_blocking_calls(error_);
  uv_async_send(&async_);
}

// Owner loop thread, inside the poll: close the async handle (it kept the
// owner alive) and queue the completion like any I/O completion.
void ClientLoop::on_async(uv_async_t* a) {
  auto* c = static_cast<ClientLoop*>(a->data);
  if (!c->async_closed_) {
    c->async_closed_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&c->async_), nullptr);
  }
  ReadyHandle h;
  h.fn = [](void* self, void*) {
    auto* c = static_cast<ClientLoop*>(self);
    c->join();  // the thread has finished its work; this only reaps it
    if (c->done_->done()) return;
    if (c->error_) c->done_->set_exception(c->error_);
    else c->done_->set_result(c->result_);
  };
  h.a = c;
  h.label = "client loop: done";
  c->owner_.queue_io(h, Cause::io);
}

ClientLoop& start_client_loop(std::function<Coroutine()> main) {
  Loop& owner = running_loop();
  LoopOptions opts = owner.options();
  opts.loop_id = 1;
  return *owner.make<ClientLoop>(std::move(main), opts);
}

}  // namespace loopscope
