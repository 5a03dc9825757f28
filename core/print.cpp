#include "print.hpp"

#include <cstdio>

#include "task.hpp"

namespace loopscope {

void print(int line, const std::string& text) {
  Loop& loop = running_loop();
  Task* t = current_task();
  if (t && line > 0) t->set_line(line);
  Event e = loop.event(Ev::print);
  e.task = t ? t->id() : -1;
  e.line = line;
  e.s1 = loop.intern(text);
  loop.emit(e);
  if (loop.options().echo_prints) std::printf("%s\n", text.c_str());
}

}  // namespace loopscope
