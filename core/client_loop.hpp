// A second event loop on its own thread (trace `loop` = 1): the client side
// of server scenarios, like a separate test script hammering the server.
//
//   ClientLoop& clients = start_client_loop([port] { return drive_clients(port); });
//   Value r = co_await at(clients.done(), 30);   // the server keeps serving meanwhile
//
// The client loop is a full Loop (its own uv_loop_t, ready queue and trace
// stream) running `main` as asyncio.run would. Its completion reaches the
// owning loop through a uv_async_t, queued like any I/O completion, so the
// server's loop is never blocked waiting for it.
#pragma once

#include <uv.h>

#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "coro.hpp"

namespace loopscope {

class ClientLoop : public Owned {
 public:
  // Starts the thread at once.
  ClientLoop(Loop& owner, std::function<Coroutine()> main, LoopOptions opts);
  ~ClientLoop() override;

  // Completed on the owner loop with main's result (or its exception).
  Future& done() { return *done_; }
  // Blocks the calling thread until the client loop has closed. Safe to call
  // twice. Never from the owner loop while the client still needs it.
  void join();

  // Asks the client loop to stop (Loop::request_stop), now or as soon as it runs.
  void request_stop(StopReason why);

  // After join(): what the client loop ended with.
  int close_rc() const { return close_rc_; }
  bool deadlocked() const { return deadlock_; }

 private:
  void thread_main(LoopOptions opts);
  static void on_async(uv_async_t* a);

  Loop& owner_;
  std::function<Coroutine()> main_;
  Future* done_;
  uv_async_t async_{};
  bool async_closed_ = false;
  std::thread thread_;
  // Written by the client thread before uv_async_send, read by the owner after.
  Value result_;
  std::exception_ptr error_;
  int close_rc_ = -1;
  bool deadlock_ = false;
  // The client thread's Loop while it is open, for request_stop from the owner.
  std::mutex stop_mutex_;
  Loop* client_ = nullptr;
  StopReason pending_stop_ = StopReason::none;
};

// Starts `main` on a new loop (loop_id 1, the owner's time_scale) on another
// thread. The ClientLoop belongs to the owner loop, which joins it when it
// closes, after every other closer (so the connections the clients wait on are
// closed first); when the owner's run was stopped or main failed, the client
// loop is stopped before the join rather than waited for. Stop requests on
// the owner reach it too.
ClientLoop& start_client_loop(std::function<Coroutine()> main);

}  // namespace loopscope
