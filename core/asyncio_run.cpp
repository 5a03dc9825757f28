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

}  // namespace loopscope
