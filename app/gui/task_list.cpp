// The Tasks panel: every task at the playhead, one row each: its state, what
// it awaits right now (the object a student would find in CPython: sleep's
// future, wait_for's waiter, Queue._finished, a putter's future...), since
// when, and the listing line that made it wait.
#include <imgui.h>

#include <algorithm>
#include <cstring>
#include <cmath>
#include <cstdio>
#include <string>

#include "app.hpp"
#include "draw.hpp"

namespace loopscope::gui {

namespace {
struct Row {
  size_t k;  // index into Model::tasks()
  int order;  // running, ready, waiting, done
};
}  // namespace

std::string App::awaits_text(const model::TaskSnapshot& t) const {
  // Inside an asyncio call of its line (step.end's via): what it awaits is that call's own.
  if (t.via) return "in " + std::string(t.via) + "(): " + awaits_text_of(t);
  return awaits_text_of(t);
}

std::string App::awaits_text_of(const model::TaskSnapshot& t) const {
  const model::Model& m = run1_.model();
  auto name_of = [&](int32_t id) {
    const model::TaskInfo* ti = id >= 0 ? m.task(id) : nullptr;
    return ti ? ti->name : std::string("a task");
  };
  switch (t.on) {
    case AwaitOn::sleep: return "sleep's future (a timer sets it)";
    case AwaitOn::task: return "task " + name_of(t.target) + ", until it is done";
    case AwaitOn::gather: return "gather's outer future";
    case AwaitOn::taskgroup: return "TaskGroup._on_completed_fut: its children";
    case AwaitOn::wait_for:
      return "wait_for's waiter: " + name_of(t.target) + " done, or the deadline";
    case AwaitOn::timeout: return "inside asyncio.timeout (it may be cancelled)";
    case AwaitOn::queue_get: return "a getter's future: the queue is empty";
    case AwaitOn::queue_put: return "a putter's future: the queue is full";
    case AwaitOn::queue_join: return "Queue._finished: every item task_done()";
    case AwaitOn::event_wait: return "Event.wait's future, until set()";
    case AwaitOn::lock_acquire: return "a Lock waiter's future";
    case AwaitOn::semaphore_acquire: return "a Semaphore waiter's future";
    case AwaitOn::io_accept: return "socket: accept (a client connects)";
    case AwaitOn::io_read: return "socket: read (data arrives)";
    case AwaitOn::io_write: return "socket: write (room to write)";
    case AwaitOn::io_connect: return "socket: connect";
    case AwaitOn::io_drain: return "drain(): the buffer empties";
    case AwaitOn::pool: return "an executor future (pool thread)";
    case AwaitOn::future: return "a future";
    case AwaitOn::yield: return "nothing: sleep(0), back next iteration";
    case AwaitOn::unset: break;
  }
  switch (t.wait) {  // traces without `on`: the coarser `wait`
    case Wait::sleep: return "sleep's future (a timer sets it)";
    case Wait::task: return "another task";
    case Wait::gather: return "gather's outer future";
    case Wait::taskgroup: return "its TaskGroup's children";
    case Wait::pool: return "an executor future (pool thread)";
    case Wait::queue: return "a Queue";
    case Wait::event: return "an Event";
    case Wait::lock: return "a Lock";
    case Wait::semaphore: return "a Semaphore";
    case Wait::io: return "a socket or file";
    case Wait::future: return "a future";
    case Wait::yield: return "nothing: sleep(0), back next iteration";
    case Wait::none: break;
  }
  return "";
}

void App::draw_tasks(const ImVec2& size) {
  const Theme& th = theme();
  const model::Model& m = run1_.model();
  float px = fonts_.px;
  begin_panel("tasks", "Tasks", size, fonts_, th);
  window_box(geo_.tasks.x0, geo_.tasks.y0, geo_.tasks.x1, geo_.tasks.y1);
  ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  const ImGuiStyle& st = ImGui::GetStyle();
  ImVec2 c0 = ImGui::GetCursorScreenPos(), c1(wp.x + ws.x - st.WindowPadding.x, wp.y + ws.y - st.WindowPadding.y);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto& tasks = m.tasks();
  geo_.task_rows.clear();

  // Running first, then ready, waiting, done (most recent first within a kind).
  std::vector<Row> rows;
  for (size_t k = 0; k < cur_.tasks.size() && k < tasks.size(); ++k) {
    const model::TaskSnapshot& t = cur_.tasks[k];
    if (tasks[k].thread) continue;  // a thread's own code is no task
    int order = t.state == model::TaskState::running ? 0
                : t.state == model::TaskState::ready ? 1
                : t.state == model::TaskState::waiting ? 2
                : t.state == model::TaskState::done ? 3 : -1;
    if (order >= 0) rows.push_back({k, order});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.order < b.order; });
  float lh = std::round(px * 1.3f);
  int fit = std::max(1, int((c1.y - c0.y) / lh));
  size_t shown = std::min(rows.size(), size_t(fit));
  float name_w = px * 3;
  for (size_t r = 0; r < shown; ++r) name_w = std::max(name_w, fonts_.bold->CalcTextSizeA(px, FLT_MAX, 0, tasks[rows[r].k].name.c_str()).x);
  name_w = std::min(name_w, (c1.x - c0.x) * 0.25f);
  float state_w = fonts_.ui->CalcTextSizeA(px, FLT_MAX, 0, "running ").x;
  float since_w = fonts_.ui->CalcTextSizeA(px, FLT_MAX, 0, "000 ms  ").x;
  dl->PushClipRect(c0, c1, true);
  const int64_t now = std::max(cur_.t_ns, playhead_ns());
  for (size_t r = 0; r < shown; ++r) {
    const model::TaskInfo& ti = tasks[rows[r].k];
    const model::TaskSnapshot& t = cur_.tasks[rows[r].k];
    float y = c0.y + float(r) * lh, ty = y + (lh - px) * 0.5f;
    bool done = t.state == model::TaskState::done;
    float x = c0.x;
    float sw = ti.color >= model::kTaskHues ? px * 0.8f : px * 0.35f;
    ImVec2 sa(x, y + lh * 0.18f), sb(x + sw, y + lh * 0.82f);
    dl->AddRectFilled(sa, sb, done ? th.done : th.task(ti.color));
    if (!done) task_pattern(dl, sa, sb, ti.color, th.task(ti.color), px);
    x += sw + px * 0.4f;
    // Texts end in an ellipsis where their column ends: never cut mid-letter.
    std::string name = elide(fonts_.bold, px, ti.name, name_w);
    dl->AddText(fonts_.bold, px, ImVec2(x, ty), done ? th.text_faint : th.task_ink(ti.color), name.c_str());
    x += name_w + px * 0.6f;
    const char* state = t.state == model::TaskState::running ? "running"
                        : t.state == model::TaskState::ready ? "ready"
                        : t.state == model::TaskState::waiting ? "awaits"
                        : t.outcome == Outcome::error ? "failed"
                        : t.outcome == Outcome::cancelled ? "cancelled" : "done";
    dl->AddText(fonts_.ui, px, ImVec2(x, ty), done ? th.text_faint : th.text_dim, state);
    // "cancelled" is wider than the column (sized for the live states): its row's time moves right.
    x += std::max(state_w, fonts_.ui->CalcTextSizeA(px, FLT_MAX, 0, state).x + px * 0.3f);
    // How long it has been in this state at the playhead (which may lie inside a poll,
    // after the current event's time); nothing under a microsecond: "0 ns" reads as an error.
    const int64_t in_state = std::max<int64_t>(0, now - t.since_ns);
    std::string since = in_state < 1000 ? std::string() : format_duration(in_state);
    dl->AddText(fonts_.ui, px * 0.9f, ImVec2(x, ty + px * 0.05f), th.text_faint, since.c_str());
    x += since_w;
    // What it awaits, and the line that awaits it.
    std::string what;
    if (t.state == model::TaskState::waiting) what = awaits_text(t);
    else if (t.state == model::TaskState::ready) what = "its step is queued";  // the first or the next
    else if (t.state == model::TaskState::running) what = "its step runs now";
    std::string shown_what = elide(fonts_.ui, px, what, c1.x - x);
    dl->AddText(fonts_.ui, px, ImVec2(x, ty), done ? th.text_faint : th.text, shown_what.c_str());
    // Why: the line that awaits, in the listing's own words.
    if (t.line > 0 && !done) {
      const std::string& src = listing_line(t.line);
      size_t a = src.find_first_not_of(' ');
      float wx = x + fonts_.ui->CalcTextSizeA(px, FLT_MAX, 0, shown_what.c_str()).x + px * 0.8f;
      if (a != std::string::npos && wx < c1.x - px * 4) {
        char num[24];
        std::snprintf(num, sizeof num, "line %d: ", t.line);
        dl->AddText(fonts_.ui, px * 0.85f, ImVec2(wx, ty + px * 0.1f), th.text_faint, num);
        wx += fonts_.ui->CalcTextSizeA(px * 0.85f, FLT_MAX, 0, num).x;
        std::string code = elide(fonts_.mono, px * 0.85f, src.substr(a), c1.x - wx);
        dl->AddText(fonts_.mono, px * 0.85f, ImVec2(wx, ty + px * 0.1f), th.text_dim, code.c_str());
      }
    }
    geo_.task_rows.push_back({ti.id, std::string(state), what, since});
  }
  // Rows past the panel's height are counted, and kept in the geometry for tools and tests.
  for (size_t r = shown; r < rows.size(); ++r) {
    const model::TaskSnapshot& t = cur_.tasks[rows[r].k];
    std::string what = t.state == model::TaskState::waiting ? awaits_text(t) : "";
    const char* state = t.state == model::TaskState::running ? "running"
                        : t.state == model::TaskState::ready ? "ready"
                        : t.state == model::TaskState::waiting ? "awaits" : "done";
    geo_.task_rows.push_back({tasks[rows[r].k].id, state, what, {}});
  }
  if (rows.size() > shown) {
    // Counted in the heading's row, right-aligned, so a short panel still shows a task.
    char more[48];
    std::snprintf(more, sizeof more, "+%zu more", rows.size() - shown);
    const float head_y = wp.y + st.WindowPadding.y, head_h = c0.y - st.ItemSpacing.y - head_y;
    const float w = fonts_.ui->CalcTextSizeA(px, FLT_MAX, 0, more).x;
    dl->PushClipRect(ImVec2(c0.x, head_y), c1, false);  // the rows' clip starts below the heading
    dl->AddText(fonts_.ui, px, ImVec2(c1.x - w, head_y + (head_h - px) * 0.5f), th.text_faint, more);
    dl->PopClipRect();
  }
  const char* none = !m.size() ? "no run yet"
                     : m.no_event_loop() ? "no asyncio task here: the server thread runs no event loop"
                                         : "no task yet";
  if (rows.empty()) {
    // Wrapped between words (a narrow panel), as many rows as fit.
    const char* p = none;
    const char* end = none + std::strlen(none);
    for (float y = c0.y; p < end && y + px <= c1.y + 0.5f; y += px * 1.25f) {
      const char* next = end;
      const char* row_end = wrap_row(fonts_.ui, px, p, end, c1.x - c0.x, &next);
      dl->AddText(fonts_.ui, px, ImVec2(c0.x, y), th.text_faint, p, row_end);
      p = next;
    }
  }
  dl->PopClipRect();
  end_panel();
}

}  // namespace loopscope::gui
