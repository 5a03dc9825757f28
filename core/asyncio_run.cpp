#include "asyncio_run.hpp"

namespace loopscope {

MainOutcome asyncio_run(Trace& trace, const LoopOptions& opts, const std::function<Coroutine()>& main, const char* name,
                        const RunHooks& hooks) {
  MainOutcome o;
  {
    Loop loop(trace, opts);
    if (hooks.opened) hooks.opened(loop);
    set_running_loop(&loop);
    try {
      Task& task = create_task(main().named(name));
      o.value = loop.run(&task);
    } catch (...) {
      o.error = std::current_exception();
    }
    o.deadlock = loop.deadlocked();
    if (hooks.closing) hooks.closing(loop);
    o.stopped_by = loop.stop_reason();
    o.close_rc = loop.close();
    if (hooks.closed) hooks.closed(loop, o);
  }
  set_running_loop(nullptr);
  return o;
}

std::string describe(const std::exception_ptr& error) {
  if (!error) return {};
  try {
    std::rethrow_exception(error);
  } catch (const PyError& e) {
    return e.repr();
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace loopscope
