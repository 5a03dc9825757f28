// The Stage: the loop's state at the playhead, as areas holding chips (ready
// queue, running handle, timers, I/O waits, thread-pool workers). Chips are
// laid out for the previous and the current state and glide between the two
// positions, so a clip shows a timer's task move to the ready queue and on to
// "running" instead of jumping.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <cstdint>
#include <vector>

#include "app.hpp"
#include "draw.hpp"

namespace loopscope::gui {

namespace {

struct Chip {
  uint32_t key = 0;  // identity across states: same key = same thing, glides
  ImVec2 pos, size;
  ImU32 fill = 0, ink = 0, border = 0;
  std::string text;
  bool dashed = false;  // a callback, not a task step
  bool divider = false; // the boundary between this iteration's handles and the next's
  int color = -1;       // the task's palette index (-1: a callback)
  bool late = false;    // an overdue timer, or a wake-up that runs after its timer was due
  ImU32 stripe = 0;     // a late chip keeps its task's hue as a stripe
  float px = 0;         // its text size: the stage's, or the floor for a chip that needs it to say its shortest form
};

struct Area {
  ImVec2 a, b;
  std::vector<std::string> titles;  // longest first: the first that fits is drawn
  float cursor_x = 0, cursor_y = 0;
  // Where rows of chips start and end. A short area (room for one row, not
  // for a title above it) is compact: its chips sit on the title's line,
  // after its shortest title, and stop short of the "+N" at its right.
  float x0 = 0, x1 = 0;
  bool compact = false;
  // Chips that did not fit: counted ("+3 more"), never silently dropped. Once
  // full, the rest are counted without being laid out (a queue of 300k
  // handles costs a frame no more than a full area does).
  bool full = false;
  int hidden = 0;
};

struct Layout {
  std::vector<Chip> chips;
  std::vector<uint32_t> seen;  // keys used, to number repeats
};

uint32_t key_for(int32_t task, int32_t other, uint32_t kind) {
  // A task keeps one identity wherever it appears (timer -> ready -> running).
  if (task >= 0) return uint32_t(task) << 4;
  return 0x80000000u | (uint32_t(other) << 4) | kind;
}

struct Placer {
  const model::Model& m;
  const Theme& th;
  ImFont* font;
  float px, floor_px;
  Layout& out;

  std::string task_name(int32_t task) const {
    const model::TaskInfo* t = task >= 0 ? m.task(task) : nullptr;
    return t ? t->name : std::string();
  }
  int task_color(int32_t task) const {
    const model::TaskInfo* t = task >= 0 ? m.task(task) : nullptr;
    return t ? t->color : -1;
  }

  // `forms`: what the chip can say, longest first (e.g. "sleep (ticker)  late by 150 ms", "ticker late by
  // 150 ms", "ticker +150 ms", "ticker"). The chip says the longest form that fits its row, at the chip
  // size, then at the floor size; an ellipsis is the last resort, for a row narrower than the shortest form.
  void place(Area& area, uint32_t key, int32_t task, const std::vector<std::string>& forms, bool big = false,
             bool late = false) {
    while (std::count(out.seen.begin(), out.seen.end(), key)) ++key;  // repeats get their own identity
    out.seen.push_back(key);
    Chip c;
    c.key = key;
    if (area.full) return void(++area.hidden);  // keep FIFO order: nothing after a hidden chip shows
    float pad = px * 0.5f;
    int color = task_color(task);
    float h = px * (big && !area.compact ? 1.6f : 1.4f);
    float tab = task_tab_w(color, h);
    auto width = [&](float at, const std::string& t) { return font->CalcTextSizeA(at, FLT_MAX, 0, t.c_str()).x; };
    // A name of several words ("insert Neuromancer") has its first word as the shortest form: the
    // chip's colour tab still says whose it is, and a word reads where "insert Neur…" is cut.
    std::vector<std::string> all = forms;
    if (!all.empty() && all.back().find(' ') != std::string::npos) all.push_back(all.back().substr(0, all.back().find(' ')));
    // The form that fits `w`; false when even the shortest does not (then it is elided at the floor size).
    auto fit = [&](float w) {
      float room = w - 2 * pad - tab;
      for (float at : {px, std::min(px, floor_px)})
        for (const std::string& f : all)
          if (width(at, model::elide(f)) <= room) {
            c.text = model::elide(f), c.px = at;
            c.size = ImVec2(width(at, c.text) + 2 * pad + tab, h);
            return true;
          }
      c.px = std::min(px, floor_px);
      c.text = elide(font, c.px, model::elide(all.empty() ? std::string() : all.back()), room);
      c.size = ImVec2(std::min(width(c.px, c.text) + 2 * pad + tab, w), h);
      return false;
    };
    // A chip whose shortest form does not fit a whole row even at the floor
    // size says too little when cut ("Ta…", "TaskGro…", "'ite…", "."): it
    // gives way and is counted ("+1"). Only a long form (a 20k label) keeps
    // its first dozen characters and an ellipsis.
    auto chars = [](const std::string& t) {
      return size_t(std::count_if(t.begin(), t.end(), [](char ch) { return (ch & 0xC0) != 0x80; }));
    };
    const size_t shortest = all.empty() ? 0 : chars(model::elide(all.back()));
    if (!fit(area.x1 - area.x0) && (shortest <= 12 || chars(c.text) < 13)) {
      area.full = true;
      return void(++area.hidden);
    }
    if (area.cursor_x + c.size.x > area.x1 && area.cursor_x > area.x0 + 1) {
      bool next_row = !area.compact && area.cursor_y + (c.size.y + pad * 0.6f) + c.size.y <= area.b.y - pad * 0.2f;
      Chip whole = c;
      if (!next_row && fit(area.x1 - area.cursor_x)) {
        // no row below: a shorter form in the rest of this row, rather than only "+1"
      } else {
        c = whole;
        area.cursor_x = area.x0;
        area.cursor_y += c.size.y + pad * 0.6f;
      }
    }
    // A row a little short of a chip's height still holds it, a little flatter
    // (the text keeps its size): a chip shown beats a "+1".
    if (float room_h = area.b.y - 2 - area.cursor_y; c.size.y > room_h && room_h >= px * 1.15f) c.size.y = room_h;
    if (area.cursor_y + c.size.y > area.b.y - 2) {
      area.full = true;
      return void(++area.hidden);
    }
    c.pos = ImVec2(area.cursor_x, area.cursor_y);
    area.cursor_x += c.size.x + pad * 0.6f;
    c.color = color;
    if (color >= 0) {
      c.fill = th.task(color);
      c.border = th.task(color);
    } else {
      c.fill = th.panel;
      c.border = th.callback;
      c.dashed = true;
    }
    c.ink = c.dashed ? th.text : ink_on(c.fill);
    if (late) {
      c.late = true;
      c.stripe = color >= 0 ? th.task(color) : th.callback;
      c.fill = c.border = th.blocked;
      c.ink = th.blocked_text;
      c.dashed = false;
    }
    out.chips.push_back(std::move(c));
  }
  void divider(Area& area, const char* text, uint32_t key = 0xFFFFFFF0u);
  void place_item(Area& area, uint32_t key, const std::string& text) {
    const size_t before = out.chips.size();
    place(area, key, -1, {text});
    if (out.chips.size() == before) return;  // it did not fit: counted in area.hidden
    Chip& c = out.chips.back();  // a value, not a task or a callback: plain and solid
    c.dashed = false;
    c.fill = th.panel;
    c.border = th.text_faint;
    c.ink = th.text;
  }
};

// A task waiting on a queue, as the stage names it.
std::string queue_waiter_text(const model::TaskSnapshot& t, const std::string& name) {
  switch (t.on) {
    case AwaitOn::queue_get: return name + ": get() waits";
    case AwaitOn::queue_put: return name + ": put() waits";
    case AwaitOn::queue_join: return name + ": join() waits";
    default: return name + " waits";
  }
}

void Placer::divider(Area& area, const char* text, uint32_t key) {
  Chip c;
  c.key = key;  // one per queue: it glides as the queue moves
  c.divider = true;
  c.text = text;
  float pad = px * 0.5f;
  if (area.full) return;  // after a hidden chip, a boundary would mark nothing
  ImVec2 ts = font->CalcTextSizeA(std::max(px * 0.8f, floor_px), FLT_MAX, 0, text);  // small, never below the floor
  c.size = ImVec2(ts.x + pad * 1.5f, px * 1.4f);
  if (area.cursor_x + c.size.x > area.x1 && area.cursor_x > area.x0 + 1) {
    area.cursor_x = area.x0;
    area.cursor_y += c.size.y + pad * 0.6f;
  }
  if (area.cursor_y + c.size.y > area.b.y - pad * 0.2f) {  // no room: what follows is counted
    area.full = true;
    return;
  }
  c.pos = ImVec2(area.cursor_x, area.cursor_y);
  area.cursor_x += c.size.x + pad * 0.6f;
  c.ink = th.text_dim;
  out.chips.push_back(std::move(c));
}

// Rows start under the title; a compact area's one row starts on the title's
// line, after `title_w` (its shortest title), and ends before `more_w` (room for "+N").
void start_area(Area& area, float px, float title_w, float more_w) {
  float chip_h = px * 1.4f;
  area.compact = area.b.y - area.a.y < px * 1.35f + chip_h + px * 0.1f;
  area.x0 = area.a.x + px * 0.5f + (area.compact ? title_w + px * 0.5f : 0);
  area.x1 = area.b.x - px * 0.5f - (area.compact ? more_w : 0);
  area.cursor_x = area.x0;
  area.cursor_y = area.compact ? area.a.y + std::max(px * 0.1f, (area.b.y - area.a.y - chip_h) * 0.5f) : area.a.y + px * 1.35f;
  area.hidden = 0;
  area.full = false;
}

// How late task `task`'s timer is at `st`: from the last timer.fire for it
// since its last step ended (so the wake-up it caused is still on its way),
// the state's time minus the timer's due time. -1: no such timer. Looks back
// a bounded number of events (a wake-up follows its timer within an iteration).
int64_t late_wakeup_ns(const model::Model& m, const model::LoopState& st, int32_t task) {
  if (task < 0 || m.size() == 0) return -1;
  const auto& ev = m.events();
  size_t i = std::min(st.event_index, m.size() - 1), stop = i > 4096 ? i - 4096 : 0;
  for (size_t k = i + 1; k-- > stop;) {
    const Event& e = ev[k];
    if (e.loop != st.loop || e.task != task) continue;
    if (e.kind == Ev::step_end) return -1;
    if (e.kind == Ev::timer_fire) return st.t_ns - e.num;
  }
  return -1;
}

// Lateness worth saying: a millisecond or more (the loop's own overhead is microseconds).
constexpr int64_t kLateNs = 1000000;

// The shorter forms of a chip that says "late by ...": the one who is late,
// then lateness said ever more briefly ("ticker late by 150 ms", "ticker +150 ms late", "ticker +150 ms").
void add_late_forms(std::vector<std::string>& forms, const std::string& who, int64_t late_ns) {
  std::string d = format_duration(late_ns);
  forms.push_back(who + " late by " + d);
  forms.push_back(who + " +" + d + " late");
  forms.push_back(who + " +" + d);
}

// A callback's label said briefly: what it belongs to ("sleep timer: set_result" -> "sleep timer",
// "TaskGroup._on_task_done" -> "TaskGroup"); the loop's own stopping callback by what it does.
std::string callback_brief(const model::ReadyChip& h) {
  if (h.fn == HandleFn::run_until_complete_cb) return "loop.stop";
  std::string_view label = h.label ? h.label : "handle";
  size_t cut = label.find_first_of(":.", 1);
  return std::string(label.substr(0, cut));
}

// What a chip on the ready queue or in Running can say, longest first: the
// handle's label with its task ("main: sleep timer: set_result", "ticker
// wakeup"), lateness first when its timer was overdue; then shorter forms, down to the task's name.
std::vector<std::string> handle_forms(const std::string& name, const model::ReadyChip& h, int64_t late_ns) {
  std::string text = h.label ? std::string(h.label) : name;
  bool callback = !name.empty() && text.find(name) == std::string::npos;  // queued on the task's behalf
  if (callback) text = name + ": " + text;
  bool late = late_ns >= kLateNs;
  std::vector<std::string> forms = {late ? "late by " + format_duration(late_ns) + ": " + text : text};
  std::string who = !name.empty() ? name : h.label ? callback_brief(h) : std::string("handle");
  if (late) add_late_forms(forms, who, late_ns);
  else if (callback) forms.push_back(name + ": " + callback_brief(h));
  forms.push_back(who);
  return forms;
}

}  // namespace

void App::draw_stage(const ImVec2& size) {
  const Theme& th = theme();
  const model::Model& m = run1_.model();
  float px = fonts_.px;
  const model::LoopState& s = cur_;
  // A short stage (a narrow layout's, a small window's) has no room for the
  // banner under its heading: a blocked loop's banner takes the heading's row
  // instead (it says what the heading and the phase would).
  const float banner_h = fonts_.big->FontSize * 1.3f + px * 0.4f;
  const bool banner_in_heading = s.blocked && size.y < px * 4.2f + banner_h + ImGui::GetStyle().WindowPadding.y * 2;
  begin_panel("stage", banner_in_heading ? "" : "Stage", size, fonts_, th);
  window_box(geo_.stage.x0, geo_.stage.y0, geo_.stage.x1, geo_.stage.y1);
  const ImVec2 heading_a = ImGui::GetItemRectMin(), heading_b = ImGui::GetItemRectMax();

  // Phase, after the heading.
  if (!banner_in_heading) ImGui::SameLine(0, px);
  // What the loop is doing, longest first: a narrow stage drops the explanation, then the iteration
  // number (a clip's header says it), keeping the facts.
  std::vector<std::string> phase;
  auto say = [&](const char* fmt, auto... args) {
    char buf[160];
    std::snprintf(buf, sizeof buf, fmt, args...);
    phase.emplace_back(buf);
  };
  switch (s.phase) {
    case model::Phase::idle:
      if (m.size()) phase = {"between iterations", "between"};
      else phase = {"no run yet"};
      break;
    case model::Phase::running: {
      // Counted as the Why panel counts: this iteration's handles (asyncio's
      // ntodo) apart from those queued meanwhile for the next iteration.
      size_t now = std::min(s.this_iter, s.ready.size()), next = s.ready.size() - now;
      if (next > 0) say("iteration %u: running its handles, %zu more this iteration, %zu for the next", s.it, s.this_iter, next);
      else say("iteration %u: running its handles, %zu more this iteration", s.it, s.this_iter);
      say("it %u: running, %zu more, %zu next", s.it, now, next);
      say("it %u: running", s.it);
      say("running");
      break;
    }
    case model::Phase::polling:
      if (s.poll_timeout_ms < 0) {
        say("iteration %u: polling, waiting for I/O (no timeout)", s.it);
        say("it %u: polling, no timeout", s.it);
      } else {
        say("iteration %u: polling, waiting up to %d ms for timers and I/O", s.it, s.poll_timeout_ms);
        say("it %u: polling, up to %d ms", s.it, s.poll_timeout_ms);
        say("polling, up to %d ms", s.poll_timeout_ms);
      }
      say("it %u: polling", s.it);
      say("polling");
      break;
    case model::Phase::blocked: phase = {"the loop thread is blocked", "blocked"}; break;  // the banner says the rest
    case model::Phase::closed: phase = {"the loop is closed: what was still queued never runs", "loop closed", "closed"}; break;
    case model::Phase::done:
      // A recorded program may end with its loop open (never close()d), or come from a
      // recorder older than loop.close: say only what the trace shows.
      if (s.closed || !m.recorded_under_cpython()) phase = {"run finished: the loop is closed", "finished"};
      else phase = {"the program has ended", "program ended", "ended"};
      break;
  }
  // No event loop on this thread (sequential-server): no iterations, no polls to speak of.
  if (m.no_event_loop() && m.size()) {
    if (s.phase == model::Phase::done) phase = {"the script has ended", "ended"};
    else if (s.blocked) phase = {"server thread (no event loop): blocked in a call", "blocked in a call", "blocked"};
    else phase = {"server thread (no event loop): runs the script line by line", "runs line by line", "running"};
  }
  ImGui::PushStyleColor(ImGuiCol_Text, th.text);
  float room = banner_in_heading ? 0 : ImGui::GetContentRegionAvail().x;
  const std::string* shown = &phase.back();
  for (const std::string& f : phase)
    if (ImGui::CalcTextSize(f.c_str()).x <= room) {
      shown = &f;
      break;
    }
  if (!banner_in_heading) {
    std::string phase_shown = elide(ImGui::GetFont(), ImGui::GetFontSize(), *shown, room);  // never cut mid-word
    ImGui::TextUnformatted(phase_shown.c_str());
  }
  ImGui::PopStyleColor();

  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(ImGui::GetWindowPos(), ImVec2(ImGui::GetWindowPos().x + ImGui::GetWindowSize().x,
                                                 ImGui::GetWindowPos().y + ImGui::GetWindowSize().y), true);
  ImVec2 c0 = ImGui::GetCursorScreenPos();
  const float c0_top = c0.y;
  ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  ImVec2 wmax(wp.x + ws.x, wp.y + ws.y);
  float pad = ImGui::GetStyle().WindowPadding.x;
  ImVec2 c1(wmax.x - pad, wmax.y - ImGui::GetStyle().WindowPadding.y);

  // A blocked loop gets a banner no one can miss.
  if (s.blocked) {
    float bh = fonts_.big->FontSize * 1.3f;
    ImVec2 a = c0, b(c1.x, c0.y + bh);
    if (banner_in_heading) a = ImVec2(c0.x, heading_a.y - px * 0.15f), b = ImVec2(c1.x, heading_b.y + px * 0.15f);
    dl->AddRectFilled(a, b, th.blocked, px * 0.25f);
    const char* what = m.no_event_loop() ? "THREAD BLOCKED" : "LOOP BLOCKED";  // no loop to block on a plain thread
    // The longest form that fits the banner: a narrow stage drops the
    // explanation, then the line, never the words LOOP BLOCKED.
    char forms[3][160];
    std::snprintf(forms[0], sizeof forms[0], s.blocked_line > 0 ? "%s  (line %d): nothing else can run" : "%s: nothing else can run", what,
                  s.blocked_line);
    std::snprintf(forms[1], sizeof forms[1], s.blocked_line > 0 ? "%s  (line %d)" : "%s", what, s.blocked_line);
    std::snprintf(forms[2], sizeof forms[2], "%s", what);
    const char* banner = forms[2];
    // In the heading's row the banner's text is the heading's size at most.
    float bpx = banner_in_heading ? std::min(fonts_.big->FontSize, std::max(look_.floor_px(), px)) : fonts_.big->FontSize;
    for (const char* f : {forms[0], forms[1]})
      if (fonts_.big->CalcTextSizeA(bpx, FLT_MAX, 0, f).x + px <= b.x - a.x) {
        banner = f;
        break;
      }
    if (float w = fonts_.big->CalcTextSizeA(bpx, FLT_MAX, 0, banner).x; w + px > b.x - a.x)
      bpx = std::max(look_.floor_px(), bpx * (b.x - a.x - px) / w);
    std::string shown = elide(fonts_.big, bpx, banner, b.x - a.x - px * 0.5f);
    text_centered(dl, fonts_.big, bpx, a, b, th.blocked_text, shown.c_str());
    if (!banner_in_heading) c0.y = b.y + px * 0.4f;
  }

  // Areas: ready queue and running on top; timers and I/O; the thread pool.
  // Areas a run never uses (I/O, the pool) are left out, so the others get the room.
  const StageUses& uses = run1_.stage_uses();
  bool show_io = uses.io || m.size() == 0, show_pool = uses.pool || m.size() == 0;
  float h = c1.y - c0.y;
  // A short stage (a narrow layout's) has no room for a third row: a pool
  // without I/O or a queue beside it takes the I/O waits' place, beside the timers.
  const bool pool_beside = show_pool && !show_io && !uses.queue && c1.y - c0_top < px * 8;
  const bool three_rows = show_pool && !pool_beside;
  float row1 = std::floor(h * (three_rows ? 0.36f : 0.5f)), row2 = three_rows ? std::floor(h * 0.36f) : h - row1;
  // Chip text shrinks when the stage is short (a small window), so an area
  // holds its title and one row of chips; never below the presenter floor, and
  // never because the LOOP BLOCKED banner took room (chips that do not fit are counted).
  float row2_full = three_rows ? std::floor((c1.y - c0_top) * 0.36f) : (c1.y - c0_top) * 0.5f;
  px = std::max(look_.floor_px(), std::min(px, row2_full / 3.2f));
  float gap = px * 0.5f;
  // Running holds one chip: on a narrow stage it takes more than its 30 %, enough for a task's name.
  float split = c0.x + std::floor((c1.x - c0.x) * 0.70f);
  split = std::min(split, std::max(c0.x + (c1.x - c0.x) * 0.55f, c1.x - px * 7.5f));
  float mid = c0.x + std::floor((c1.x - c0.x) * 0.5f);
  Area ready{c0, ImVec2(split - gap * 0.5f, c0.y + row1), {"Ready queue (FIFO: front on the left)", "Ready queue (FIFO)", "Ready queue", "Ready"}};
  Area running{ImVec2(split + gap * 0.5f, c0.y), ImVec2(c1.x, c0.y + row1), {"Running", "Run"}};
  float y2 = c0.y + row1 + gap;
  float y2b = three_rows ? y2 + row2 - gap : c1.y;
  // A run with an asyncio.Queue shows it beside the timers (and the I/O waits, if any).
  bool show_queue = uses.queue;
  float third = std::floor((c1.x - c0.x) / 3.0f);
  float timers_x1 = show_io && show_queue ? c0.x + third - gap * 0.5f : show_io || show_queue || pool_beside ? mid - gap * 0.5f : c1.x;
  Area timers{ImVec2(c0.x, y2), ImVec2(timers_x1, y2b), {"Timers (soonest first)", "Timers"}};
  Area queue{ImVec2(timers_x1 + gap, y2), ImVec2(show_io ? c0.x + 2 * third - gap * 0.5f : c1.x, y2b), {"Queue (front on the left)", "Queue"}};
  // One queue (the usual case) says how full it is in its title, so its chips
  // are only items and waiters; several queues each get a boundary with it.
  auto queue_room = [](const model::QueueChip& q) {
    char room[64];
    if (q.items.empty() && q.maxsize > 0) std::snprintf(room, sizeof room, "empty (maxsize %d)", q.maxsize);
    else if (q.items.empty()) std::snprintf(room, sizeof room, "empty");
    else if (q.maxsize > 0) std::snprintf(room, sizeof room, "%zu of maxsize %d", q.items.size(), q.maxsize);
    else std::snprintf(room, sizeof room, "%zu items", q.items.size());
    return std::string(room);
  };
  // The next item out is drawn first, on the left: a FIFO's oldest, a LifoQueue's newest (its
  // items are drawn newest first); a PriorityQueue's is its least item, wherever it stands
  // (its items are drawn in the order put: the view cannot compare Python objects).
  auto queue_class = [](const model::QueueChip& q) {
    return std::string(q.order == QueueOrder::lifo ? "LifoQueue" : q.order == QueueOrder::priority ? "PriorityQueue" : "Queue");
  };
  if (s.queues.size() == 1) {
    const model::QueueChip& q = s.queues.front();
    char short_room[32];
    if (q.maxsize > 0) std::snprintf(short_room, sizeof short_room, "%zu/%d", q.items.size(), q.maxsize);
    else std::snprintf(short_room, sizeof short_room, "%zu", q.items.size());
    std::string room = queue_room(q), cls = queue_class(q);
    const char* next = q.order == QueueOrder::lifo ? ", newest (next out) on the left"
                       : q.order == QueueOrder::priority ? ", next out: the least" : ", front on the left";
    queue.titles = {cls + ": " + room + next, cls + ": " + room, cls + " " + std::string(short_room), cls};
  } else if (std::any_of(s.queues.begin(), s.queues.end(), [](const model::QueueChip& q) { return q.order != QueueOrder::unset; })) {
    queue.titles = {"Queues (next out on the left; a PriorityQueue's: its least)", "Queues"};
  }
  Area io{ImVec2(show_queue ? queue.b.x + gap : mid + gap * 0.5f, y2), ImVec2(c1.x, y2b), {"I/O waits", "I/O"}};
  float y3 = y2 + row2;
  Area pool{pool_beside ? ImVec2(mid + gap * 0.5f, y2) : ImVec2(c0.x, y3), c1, {"Thread pool", "Pool"}};
  std::vector<Area*> areas = {&ready, &running, &timers};
  if (show_io) areas.push_back(&io);
  if (show_pool) areas.push_back(&pool);
  if (show_queue) areas.push_back(&queue);
  const float title_px = std::max(look_.floor_px(), px * 0.85f);
  // The longest of an area's titles that fits its box (leaving `reserve` px at the right), else the shortest.
  auto title_of = [&](const Area& a, float reserve) {
    if (a.compact) return a.titles.back().c_str();
    for (const std::string& t : a.titles)
      if (fonts_.ui->CalcTextSizeA(title_px, FLT_MAX, 0, t.c_str()).x + px + reserve <= a.b.x - a.a.x) return t.c_str();
    return a.titles.back().c_str();
  };
  const float more_w = fonts_.bold->CalcTextSizeA(title_px, FLT_MAX, 0, "+99").x + px * 0.5f;
  if (s.blocked) hatch(dl, running.a, running.b, mix(th.blocked, th.panel, 0.6f), px * 0.8f, 2.0f);

  const int64_t now_ns = playhead_ns();  // between events too: a blocked loop's timers grow late as time passes
  // `reserve`: compact areas keep room for a "+N" at their right (Running never needs it: it holds one chip).
  auto place_all = [&](const model::LoopState& st, Layout& out, const std::vector<const Area*>& reserve) {
    for (Area* a : areas)
      start_area(*a, px, fonts_.ui->CalcTextSizeA(title_px, FLT_MAX, 0, a->titles.back().c_str()).x,
                 std::count(reserve.begin(), reserve.end(), a) && a != &running ? more_w : 0);
    Placer p{m, th, fonts_.ui, px, look_.floor_px(), out};
    // After this iteration's handles, a boundary: what was queued while they
    // ran waits for the next iteration (asyncio runs exactly ntodo handles).
    bool split = (st.phase == model::Phase::running || st.phase == model::Phase::blocked) && st.this_iter < st.ready.size();
    for (size_t k = 0; k < st.ready.size(); ++k) {
      const auto& r = st.ready[k];
      if (const model::TaskInfo* ti = r.task >= 0 ? m.task(r.task) : nullptr; ti && ti->thread) continue;  // no task in Python
      if (ready.full && ++ready.hidden) continue;
      // ▸; a one-row area says it briefly, leaving room for the handle after it
      if (split && k == st.this_iter) p.divider(ready, ready.compact ? "next \xe2\x96\xb8" : "next iteration \xe2\x96\xb8");
      int64_t late = late_wakeup_ns(m, st, r.task);
      p.place(ready, key_for(r.task, r.handle, 1), r.task, handle_forms(p.task_name(r.task), r, late), false, late >= kLateNs);
    }
    const model::TaskInfo* running_ti = st.running.task >= 0 ? m.task(st.running.task) : nullptr;
    if (st.running.handle >= 0 && !(running_ti && running_ti->thread)) {
      int64_t late = late_wakeup_ns(m, st, st.running.task);
      p.place(running, key_for(st.running.task, st.running.handle, 1), st.running.task,
              handle_forms(p.task_name(st.running.task), st.running, late), true, late >= kLateNs);
    }
    for (const auto& t : st.timers) {
      if (timers.full && ++timers.hidden) continue;
      // What the timer is for, then whose it is: "wait_for deadline (main)".
      std::string text = model::timer_purpose(t), owner = p.task_name(t.task);
      if (!owner.empty()) text = text.empty() ? owner : text + " (" + owner + ")";
      if (text.empty()) text = "timer";
      // A timer past its due time (the loop was busy or blocked) says how late it is.
      int64_t left = t.due_ns - std::max(st.t_ns, now_ns);
      bool late = -left >= kLateNs;
      std::string when = late ? "late by " + format_duration(-left) : "in " + format_duration(std::max<int64_t>(left, 0));
      std::string who = owner.empty() ? std::string("timer") : owner;
      std::vector<std::string> forms = {text + "  " + when};
      if (late) add_late_forms(forms, who, -left);
      else forms.push_back(who + " " + when);
      forms.push_back(who);
      p.place(timers, key_for(t.task, t.timer, 2), t.task, forms, false, late);
    }
    // Each queue: its items, next out first (a LifoQueue's newest), then who
    // waits on it. Items keep their identity (the trace's string of that put),
    // so they glide left as the front is taken.
    for (const model::QueueChip& q : st.queues) {
      auto place = [&](const char* item) {
        p.place_item(queue, 0xC0000000u | (uint32_t(reinterpret_cast<uintptr_t>(item) >> 3) & 0x3FFFFFF0u), item ? item : "?");
      };
      if (q.order == QueueOrder::lifo) std::for_each(q.items.rbegin(), q.items.rend(), place);
      else std::for_each(q.items.begin(), q.items.end(), place);
      if (st.queues.size() > 1)
        p.divider(queue, (q.order == QueueOrder::unset ? queue_room(q) : queue_class(q) + ": " + queue_room(q)).c_str(),
                  0xFFFFFF00u - uint32_t(q.queue & 0xFFFF) * 16);
    }
    if (show_queue)
      for (size_t k = 0; k < st.tasks.size() && k < m.tasks().size(); ++k) {
        const model::TaskSnapshot& t = st.tasks[k];
        if (t.state != model::TaskState::waiting || t.wait != Wait::queue) continue;
        const std::string& name = m.tasks()[k].name;
        p.place(queue, key_for(m.tasks()[k].id, 0, 5), m.tasks()[k].id, {queue_waiter_text(t, name), name + " waits", name});
      }
    for (const auto& o : st.io) {
      if (io.full && ++io.hidden) continue;
      // "client1: read 127.0.0.1:57066", then "client1: read", then "client1".
      std::string who = p.task_name(o.task), what = who.empty() ? name(o.kind) : who + ": " + name(o.kind);
      std::vector<std::string> forms = {o.target ? what + " " + o.target : what, what};
      if (!who.empty()) forms.push_back(who);
      p.place(io, key_for(o.task, o.op, 3), o.task, forms);
    }
    for (const auto& w : st.workers) {
      if (pool.full && ++pool.hidden) continue;
      // "worker 0: part1.txt read_text(part1.txt)", then "worker 0: part1.txt", then the task's name, then "worker 0".
      char wb[32];
      std::snprintf(wb, sizeof wb, w.running ? "worker %d" : "queued", w.worker);
      std::string who = p.task_name(w.task), head = std::string(wb) + ": " + who;
      std::vector<std::string> forms = {w.label ? head + " " + w.label : head, head};
      if (!who.empty()) forms.push_back(who);
      forms.push_back(wb);  // "worker 0", or "queued"
      p.place(pool, key_for(w.task, w.job, 4), w.task, forms);
    }
  };
    // Only the compact areas that had chips left over keep that room (a Running
  // area with its chip counted does not shorten the timers' row).
  auto layout = [&](const model::LoopState& st, Layout& out) {
    place_all(st, out, {});
    std::vector<const Area*> short_of;
    for (const Area* a : areas)
      if (a->compact && a->hidden > 0) short_of.push_back(a);
    if (!short_of.empty()) {
      out = {};
      place_all(st, out, short_of);
    }
  };
  Layout before, after;
  layout(prev_, before);
  layout(cur_, after);
  geo_.stage_chips.clear();
  for (const Chip& c : after.chips)
    if (!c.divider) geo_.stage_chips.push_back(c.text);

  // Frames and titles; an area with chips that did not fit says how many ("+3 more").
  for (Area* a : areas) {
    dl->AddRect(a->a, a->b, th.panel_border, px * 0.3f, 0, 2.0f);
    std::string more = a->hidden ? "+" + std::to_string(a->hidden) + " more" : std::string();
    if (!more.empty() && (a->compact || fonts_.bold->CalcTextSizeA(title_px, FLT_MAX, 0, more.c_str()).x +
                                             fonts_.ui->CalcTextSizeA(title_px, FLT_MAX, 0, a->titles.back().c_str()).x + px * 1.5f >
                                         a->b.x - a->a.x))
      more = "+" + std::to_string(a->hidden);  // a narrow area keeps its title whole
    float more_w = more.empty() ? 0 : fonts_.bold->CalcTextSizeA(title_px, FLT_MAX, 0, more.c_str()).x;
    ImVec4 clip(a->a.x, a->a.y, a->b.x, a->b.y);
    dl->AddText(fonts_.ui, title_px, ImVec2(a->a.x + px * 0.5f, a->a.y + px * 0.2f), th.text_dim, title_of(*a, more_w + px * 0.5f),
                nullptr, 0, &clip);
    if (!more.empty())
      dl->AddText(fonts_.bold, title_px, ImVec2(a->b.x - px * 0.5f - more_w, a->a.y + px * 0.2f), th.text, more.c_str());
  }
  geo_.stage_hidden = 0;
  for (Area* a : areas) geo_.stage_hidden += a->hidden;

  // Tween: matched chips glide, new ones fade in, leaving ones fade out.
  float e = ease_in_out(float(tween_.t));
  std::vector<Box> drawn;  // every chip drawn this frame: gliding and fading ones too
  auto draw_chip = [&](const Chip& c, ImVec2 pos, float alpha) {
    if (alpha <= 0.01f) return;
    drawn.push_back({pos.x, pos.y, pos.x + c.size.x, pos.y + c.size.y});
    auto fade = [&](ImU32 col) {
      return (col & ~IM_COL32_A_MASK) | (ImU32(float((col >> IM_COL32_A_SHIFT) & 0xff) * alpha) << IM_COL32_A_SHIFT);
    };
    if (c.divider) {  // a bold bar, then small text: not a chip
      dl->AddRectFilled(ImVec2(pos.x, pos.y - px * 0.15f), ImVec2(pos.x + 3, pos.y + c.size.y + px * 0.15f), fade(th.text));
      float dpx = std::max(px * 0.8f, look_.floor_px());  // as Placer::divider measured it
      dl->AddText(fonts_.ui, dpx, ImVec2(pos.x + px * 0.4f, pos.y + (c.size.y - dpx) * 0.5f), fade(c.ink),
                  c.text.c_str());
      return;
    }
    ImVec2 b(pos.x + c.size.x, pos.y + c.size.y);
    dl->AddRectFilled(pos, b, fade(c.fill), px * 0.35f);
    if (c.late) dl->AddRectFilled(pos, ImVec2(pos.x + px * 0.3f, b.y), fade(c.stripe), px * 0.35f, ImDrawFlags_RoundCornersLeft);
    dl->AddRect(pos, b, fade(c.dashed ? c.border : mix(c.border, th.text, 0.25f)), px * 0.35f, 0, 2.0f);
    float tx = alpha > 0.5f ? task_tab(dl, pos, b, c.color, c.fill, px) : pos.x + task_tab_w(c.color, c.size.y);
    text_centered(dl, fonts_.ui, c.px, ImVec2(tx, pos.y), b, fade(c.ink), c.text.c_str());
  };
  for (const Chip& c : after.chips) {
    auto it = std::find_if(before.chips.begin(), before.chips.end(), [&](const Chip& o) { return o.key == c.key; });
    if (it != before.chips.end()) {
      ImVec2 p(it->pos.x + (c.pos.x - it->pos.x) * e, it->pos.y + (c.pos.y - it->pos.y) * e);
      draw_chip(c, p, 1.0f);
    } else {
      draw_chip(c, c.pos, e);
    }
  }
  for (const Chip& c : before.chips) {
    bool stays = std::any_of(after.chips.begin(), after.chips.end(), [&](const Chip& o) { return o.key == c.key; });
    if (!stays) draw_chip(c, c.pos, 1.0f - e);
  }
  geo_.stage_chip_boxes = drawn;

  // Empty areas say so, calmly (a note that does not fit its area is left out, never cut). A chip
  // still leaving the area (fading out, or gliding away) is never drawn over: the note waits for it
  // to be gone, then fades in with the rest of the tween.
  geo_.stage_notes.clear();
  auto empty_note = [&](const Area& a, bool empty, const char* note) {
    ImVec2 at = a.compact ? ImVec2(a.x0, a.a.y + px * 0.2f) : ImVec2(a.a.x + px * 0.5f, a.a.y + px * 1.4f);
    ImVec2 size = fonts_.ui->CalcTextSizeA(title_px, FLT_MAX, 0, note);
    if (!empty || !*note || at.x + size.x + px * 0.5f > a.b.x) return;
    Box box{at.x, at.y, at.x + size.x, at.y + size.y};
    auto over = [&](const Box& c) { return c.x0 < box.x1 && box.x0 < c.x1 && c.y0 < box.y1 && box.y0 < c.y1; };
    if (std::any_of(drawn.begin(), drawn.end(), over)) return;
    bool arriving = std::any_of(before.chips.begin(), before.chips.end(), [&](const Chip& c) {
      return over({c.pos.x, c.pos.y, c.pos.x + c.size.x, c.pos.y + c.size.y});
    });
    ImU32 ink = th.text_faint;
    if (arriving) ink = (ink & ~IM_COL32_A_MASK) | (ImU32(float((ink >> IM_COL32_A_SHIFT) & 0xff) * e) << IM_COL32_A_SHIFT);
    dl->AddText(fonts_.ui, title_px, at, ink, note);
    geo_.stage_notes.push_back({note, box});
  };
  empty_note(ready, s.ready.empty(), "empty");
  empty_note(running, s.running.handle < 0, s.blocked ? "" : "nothing");
  empty_note(timers, s.timers.empty(), "none armed");
  if (show_io) empty_note(io, s.io.empty(), "none");
  if (show_pool) empty_note(pool, s.workers.empty(), "idle");
  if (show_queue) empty_note(queue, s.queues.empty(), "not used yet");
  dl->PopClipRect();
  end_panel();
}

}  // namespace loopscope::gui
