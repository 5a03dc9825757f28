// The text panels: Code (the Python listing with a cursor per task), Why (the
// narration of the event at the playhead) and Console (what the program
// printed, by iteration).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "app.hpp"
#include "draw.hpp"
#include "model/why.hpp"
#include "trace_schema.hpp"

namespace loopscope::gui {

namespace {

// The first listing line task `task` reaches after event `i`, within its
// current step (a print, an await, a blocking call): 0 when none is traced.
int first_line_ahead(const model::Model& m, size_t i, int32_t task, uint8_t loop) {
  const auto& ev = m.events();
  for (size_t j = i + 1; j < ev.size() && j < i + 4096; ++j) {
    const Event& e = ev[j];
    if (e.loop != loop || e.task != task) continue;
    if (int32_t line = line_of(e)) return line;
    if (e.kind == Ev::step_end || e.kind == Ev::task_done) break;
  }
  return 0;
}

// The `async def` line of the coroutine that holds listing line `line`
// (1-based): where a first step starts. `line` itself when there is none.
int coroutine_top(const std::vector<std::string>& lines, int line) {
  if (line <= 0 || size_t(line) > lines.size()) return line;
  auto indent = [](const std::string& l) { return l.find_first_not_of(' '); };
  size_t own = indent(lines[size_t(line - 1)]);
  for (int k = line - 1; k >= 1; --k) {
    const std::string& l = lines[size_t(k - 1)];
    size_t in = indent(l);
    if (in == std::string::npos || in >= own) continue;
    if (l.compare(in, 10, "async def ") == 0) return k;
    own = in;  // an enclosing block (try:, for ...): keep looking outwards
    if (in == 0) break;
  }
  return line;
}

// The content rectangle left in the current panel below the heading.
void content_rect(ImVec2& c0, ImVec2& c1) {
  ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  const ImGuiStyle& st = ImGui::GetStyle();
  c0 = ImGui::GetCursorScreenPos();
  c1 = ImVec2(wp.x + ws.x - st.WindowPadding.x, wp.y + ws.y - st.WindowPadding.y);
}
}  // namespace

// [SECTION] Code

const std::string& App::listing_line(int line) {
  // The lines draw_code() cached (it draws first in a frame); none while the Code panel is hidden.
  static const std::string kNone;
  return code_shown_ && line >= 1 && size_t(line) <= code_shown_->size() ? (*code_shown_)[size_t(line - 1)] : kNone;
}

void App::draw_code(const ImVec2& size) {
  const Theme& th = theme();
  const Focus f = focused();
  const Session& run = *f.s;
  const model::LoopState& cur = *f.state;
  const model::Model& m = run.model();
  float px = fonts_.px;
  std::string heading = focus_title("Code");
  begin_panel("code", heading.c_str(), size, fonts_, th);
  window_box(geo_.code.x0, geo_.code.y0, geo_.code.x1, geo_.code.y1);
  // The scenario's title beside the heading where it fits whole; else the
  // heading alone (a cut title reads as a mistake on a projector).
  if (f.run == 0)  // a program's files (none for a scenario)
    program_.draw_tabs(run1_, cur_, th, px, [&](const std::string& n) { note_toolbar_item(geo_, n); });
  if (run.scenario() && ImGui::CalcTextSize(run.scenario()->title.c_str()).x + px < ImGui::GetContentRegionAvail().x -
                                                                                       ImGui::GetItemRectSize().x) {
    ImGui::SameLine(0, px);
    ImGui::PushStyleColor(ImGuiCol_Text, th.text_faint);
    ImGui::TextUnformatted(run.scenario()->title_for(run.params()).c_str());
    ImGui::PopStyleColor();
  }
  ImVec2 c0, c1;
  content_rect(c0, c1);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // Listings are split once per run (RunView): re-splitting every frame would allocate.
  code_shown_ = &code_lines(f.run);
  // A program's cursors and marks: only those in the file shown.
  const bool program = &run == &run1_.session() && !code_tabs().empty();  // a CPython trace: live or loaded
  auto in_file = [&](const char* file) { return !program || (file && program_.code_file() == file); };
  const std::vector<std::string>& lines = *code_shown_;
  // Projector rule: code is never drawn under 16 px and never scaled (see
  // load_fonts). Too wide at the normal size: the smaller baked face; still
  // too wide: trailing comments move to a row of their own; still too wide:
  // Shift+wheel scrolls sideways.
  float room = c1.x - c0.x;
  auto gutter_of = [&](ImFont* f, float fpx) { return f->CalcTextSizeA(fpx, FLT_MAX, 0, "000").x + fpx * 0.8f; };
  auto width_of = [&](ImFont* f, float fpx, size_t chars) {
    return gutter_of(f, fpx) + float(chars) * f->CalcTextSizeA(fpx, FLT_MAX, 0, "M").x + fpx;
  };
  // Code and comment parts of each line ("x = 1  # why" -> "x = 1", "# why").
  struct Split { size_t code_end, comment_at; };
  std::vector<Split> splits(lines.size());
  size_t longest = 1, longest_code = 1;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    splits[i] = {l.size(), std::string::npos};
    char quote = 0;
    for (size_t k = 0; k < l.size(); ++k) {
      char ch = l[k];
      if (quote) { if (ch == '\\') ++k; else if (ch == quote) quote = 0; continue; }
      if (ch == '"' || ch == '\'') { quote = ch; continue; }
      if (ch == '#') {
        size_t e = k;
        while (e > 0 && l[e - 1] == ' ') --e;
        if (e > 0) splits[i] = {e, k};  // a comment alone on its line stays where it is
        break;
      }
    }
    longest = std::max(longest, l.size());
    longest_code = std::max(longest_code, splits[i].comment_at == std::string::npos ? l.size() : splits[i].code_end);
  }
  // Room for a cursor chip after the longest line, so that chips need not
  // cover code: the smaller face and comment wrapping count it in.
  float chip_room = 0;
  {
    float arrow = fonts_.bold->CalcTextSizeA(px * 0.9f, FLT_MAX, 0, "\xe2\x97\x80 ").x;
    size_t n = 0;
    for (const model::TaskInfo& t : m.tasks())
      if (t.loop == 0 && ++n <= 64)
        chip_room = std::max(chip_room, arrow + fonts_.bold->CalcTextSizeA(px * 0.9f, FLT_MAX, 0, t.name.c_str()).x + px * 1.4f);
    chip_room = std::min(chip_room, room * 0.25f);
  }
  // In presenter mode and in clips nobody scrolls sideways: the listing must read whole. It shrinks down
  // to the presenter floor, then trailing comments move to rows of their own, then rows wrap.
  const bool whole = look_.presenter || clip_layout_;
  ImFont* font = fonts_.mono;
  float cpx = px;
  for (auto [f, fpx] : {std::pair{fonts_.mono_small, fonts_.mono_small_px}, std::pair{fonts_.mono_floor, fonts_.mono_floor_px}}) {
    if (width_of(font, cpx, longest) + chip_room <= room || !f || fpx >= cpx) break;
    if (f == fonts_.mono_floor && !whole) break;  // the desk keeps 16 px or more and scrolls
    font = f, cpx = fpx;
  }
  bool wrap_comments = width_of(font, cpx, longest) + chip_room > room;
  size_t widest = wrap_comments ? longest_code : longest;
  // Whole-pixel rows: a one-pixel stroke (the underscore) at a fractional y
  // smears into two faint rows.
  float lh = std::round(cpx * 1.3f);
  float gutter = gutter_of(font, cpx);
  float char_w = font->CalcTextSizeA(cpx, FLT_MAX, 0, "M").x;
  const bool wrap_rows = whole && width_of(font, cpx, widest) > room;
  // Characters a row holds when rows wrap (the cursor chips then stand after the line's last row).
  const size_t cols = size_t(std::max(8.0f, std::floor((room - gutter - cpx) / char_w)));

  // Rows: a line, or a line's wrapped comment (under the code, at its indent);
  // when rows wrap, a line's continuation rows (`cont`: a hanging indent, "↪" in the gutter),
  // and indentation is drawn at half its width (two columns a level: the structure, in less room).
  struct Row { int line; bool comment; size_t from, to, indent; bool cont = false, elided = false; };
  std::vector<Row> rows;
  // Rows for [from, to) of line i, its first row at `indent` columns, the rest at `cont_indent`:
  // broken after the last space (code: or '(' ',' '.') that fits, else where the row is full. A
  // trailing comment takes two rows at most and then ends in "…" (the code keeps the panel's rows).
  auto add_rows = [&](size_t i, bool comment, size_t from, size_t to, size_t indent, size_t cont_indent) {
    const std::string& l = lines[i];
    bool first = true;
    for (int n = 0; from < to; ++n) {
      size_t in = first ? indent : cont_indent, room_cols = cols > in + 6 ? cols - in : 6;
      size_t end = to;
      const bool last = comment && n == 1 && to - from > room_cols;  // the comment's second row, and more follows
      if (last) --room_cols;  // room for the "…"
      if (wrap_rows && to - from > room_cols) {
        end = from + room_cols;
        // After a space, '(', ',' or '='; else after a '.'; else where the row is full.
        auto break_at = [&](const char* after) {
          for (size_t k = from + room_cols; k > from + room_cols / 3; --k)
            if (std::strchr(after, l[k - 1])) return k;
          return size_t(0);
        };
        if (size_t k = break_at(comment ? " " : " (,=")) end = k;
        else if (size_t d = comment ? 0 : break_at(".")) end = d;
      }
      rows.push_back({int(i) + 1, comment, from, end, in, !first, last});
      if (last) break;
      first = false;
      from = end;
      while (from < to && l[from] == ' ') ++from;  // a continuation starts at its first word
    }
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const Split& sp = splits[i];
    const size_t lead = std::min(lines[i].find_first_not_of(' '), lines[i].size());
    const size_t shown_lead = wrap_rows ? lead / 2 : lead;
    // Code starts after its indentation when rows wrap (drawn at `shown_lead`), at column 0 otherwise (spaces and all).
    const size_t code_from = wrap_rows ? lead : 0, code_indent = wrap_rows ? shown_lead : 0;
    const size_t hang = std::min(shown_lead + 2, cols / 2);
    if (lines[i].empty() || lead == lines[i].size()) {
      rows.push_back({int(i) + 1, false, 0, lines[i].size(), 0});
    } else if (wrap_rows && lines[i][lead] == '#') {  // a comment line: as a trailing comment, two rows at most
      add_rows(i, true, lead, lines[i].size(), shown_lead, std::min(shown_lead + 2, cols / 2));
    } else if (wrap_comments && sp.comment_at != std::string::npos && width_of(font, cpx, lines[i].size()) + chip_room > room) {
      add_rows(i, false, code_from, sp.code_end, code_indent, hang);
      add_rows(i, true, sp.comment_at, lines[i].size(), shown_lead, std::min(shown_lead + 2, cols / 2));
    } else {
      add_rows(i, false, code_from, lines[i].size(), code_indent, hang);
    }
  }
  if (wrap_rows) widest = 0;  // every row fits: no sideways scroll
  float overflow = std::max(0.0f, width_of(font, cpx, widest) - room);
  if (ImGui::IsWindowHovered() && overflow > 0) {
    ImGuiIO& io = ImGui::GetIO();
    float wheel = io.MouseWheelH != 0 ? -io.MouseWheelH : (io.KeyShift ? io.MouseWheel : 0);
    code_hscroll_ -= wheel * char_w * 4;
  }
  code_hscroll_ = std::clamp(code_hscroll_, 0.0f, overflow);
  float xoff = code_hscroll_;
  if (overflow > 0) c1.y -= 6;  // room for the sideways scroll bar under the last row

  // Which tasks stand where: cursors for live tasks; the running one gets the line highlight.
  struct Cursor { int line; int color; std::string name; bool running; int32_t id; bool callback = false; };
  std::vector<Cursor> cursors;
  const auto& tasks = m.tasks();
  size_t at = focused().index;
  for (size_t k = 0; k < cur.tasks.size() && k < tasks.size(); ++k) {
    const model::TaskSnapshot& ts = cur.tasks[k];
    if (ts.state == model::TaskState::unborn || ts.state == model::TaskState::done) continue;
    if (!in_file(ts.file)) continue;
    int line = ts.line;
    bool running = ts.state == model::TaskState::running;
    // A task's first step, before it prints or awaits, stands at the top of its coroutine.
    if (line <= 0 && running) line = coroutine_top(lines, first_line_ahead(m, at, tasks[k].id, tasks[k].loop));
    if (line <= 0) continue;
    cursors.push_back({line, tasks[k].color, tasks[k].name, running, tasks[k].id});
  }
  // A plain callback run for a task (a sleep timer's set_result, gather's
  // done-callback) has no line of its own: it stands, dashed, at the await
  // of the task it serves.
  if (cur.running.handle >= 0 && cur.running.task >= 0) {
    int32_t k = m.task_index(cur.running.task);
    if (k >= 0 && size_t(k) < cur.tasks.size() && cur.tasks[size_t(k)].state == model::TaskState::waiting &&
        cur.tasks[size_t(k)].line > 0 && in_file(cur.tasks[size_t(k)].file))
      cursors.push_back({cur.tasks[size_t(k)].line, tasks[size_t(k)].color,
                         cur.running.label ? cur.running.label : "callback", false, tasks[size_t(k)].id, true});
  }
  geo_.cursors.clear();
  for (const Cursor& c : cursors)
    if (!c.callback) geo_.cursors.push_back({c.line, c.id});
  // Scroll (deterministically: no scroll state) so the line the Why panel
  // names (the line of the event at the playhead) is in view, else the
  // running task's line, else as many cursors as fit.
  auto row_of = [&](int line) {
    for (size_t r = 0; r < rows.size(); ++r)
      if (rows[r].line == line) return int(r);
    return 0;
  };
  int fit = std::max(1, int((c1.y - c0.y) / lh));
  int first = 0, lo = INT32_MAX, hi = 0, running = 0;
  for (const Cursor& c : cursors) {
    lo = std::min(lo, row_of(c.line)), hi = std::max(hi, row_of(c.line));
    if (c.running) running = row_of(c.line);
  }
  // A blocking call holds the loop on its line: show it even when no task cursor is there.
  int blocked_line = cur.blocked && in_file(cur.blocked_file) ? cur.blocked_line : 0;
  // Where the program failed (a task's exception, a syntax error), once the playhead has passed it.
  int failed_line = 0;  // the last one (scrolled into view)
  std::vector<std::pair<int, const std::string*>> failed;
  if (program)
    for (const Failure& fl : failures())
      if (fl.at <= at && fl.file == program_.code_file()) failed.push_back({fl.line, &fl.what}), failed_line = fl.line;
  auto failed_at = [&](int line) -> const std::string* {
    for (auto& [l, w] : failed)
      if (l == line) return w;
    return nullptr;
  };
  if (failed_line > 0 && cursors.empty()) running = row_of(failed_line), lo = std::min(lo, running), hi = std::max(hi, running);
  if (blocked_line > 0) running = row_of(blocked_line), lo = std::min(lo, running), hi = std::max(hi, running);
  auto named_at = [&](size_t i) {
    const auto& e = m.events()[i];
    return e.loop == 0 && (!program || in_file(e.s2)) ? line_of(e) : 0;
  };
  int named = m.size() && at < m.size() ? named_at(at) : 0;
  // Nothing to point at (a timer's callback, the loop's own events, the run's end): the line the
  // story last named, so the listing stays where it was instead of jumping to its imports.
  // Looked up a bounded way back: still a function of the playhead alone.
  if (named == 0 && cursors.empty() && blocked_line == 0 && failed_line == 0 && at < m.size())
    for (size_t i = at, n = 0; i-- > 0 && n < 4096 && named == 0; ++n)
      named = named_at(i);
  if (named > 0 && size_t(named) <= lines.size()) running = row_of(named), lo = std::min(lo, running), hi = std::max(hi, running);
  if (int(rows.size()) > fit && (!cursors.empty() || blocked_line > 0 || named > 0 || failed_line > 0)) {
    int want = running ? running - fit / 2 : (hi - lo < fit - 1 ? lo - 2 : lo - 1);
    first = std::clamp(want, 0, int(rows.size()) - fit);
    // Start at a line's first row (its number) where the line in question stays in view, all its rows.
    int running_end = running;
    while (running_end + 1 < int(rows.size()) && rows[size_t(running_end + 1)].line == rows[size_t(running)].line) ++running_end;
    while (first > 0 && rows[size_t(first)].cont && running_end < first - 1 + fit) --first;
  }

  geo_.code_rows.clear();
  geo_.code_chips.clear();
  geo_.code_px = cpx, geo_.code_char_w = char_w, geo_.code_hscroll = xoff;
  geo_.code_overflow = overflow;
  dl->PushClipRect(c0, c1, true);
  for (int r = first; r < int(rows.size()) && r < first + fit; ++r) {  // whole rows only: a cut row hides its underscores
    const Row& row = rows[size_t(r)];
    int line = row.line;
    float y = std::round(c0.y) + float(r - first) * lh;
    float ty = std::round(y + (lh - cpx) * 0.5f);
    for (const Cursor& c : cursors)
      if (c.line == line && c.running)
        dl->AddRectFilled(ImVec2(c0.x, y), ImVec2(c1.x, y + lh), th.task_light(c.color), px * 0.2f);
    // A line's code rows: this one and its continuations (one outline round them all).
    int span = 1;
    while (r + span < int(rows.size()) && r + span < first + fit && rows[size_t(r + span)].line == line &&
           rows[size_t(r + span)].cont && !rows[size_t(r + span)].comment)
      ++span;
    const bool line_start = !row.comment && !row.cont;
    const float y_end = y + lh * float(span);
    if (line == blocked_line && line_start) dl->AddRect(ImVec2(c0.x, y), ImVec2(c1.x, y_end), th.blocked, px * 0.2f, 0, 3.0f);
    const std::string* failed_what = row.comment ? nullptr : failed_at(line);
    if (failed_what && line_start) {
      dl->AddRectFilled(ImVec2(c0.x, y), ImVec2(c1.x, y_end), mix(th.error, th.panel, 0.75f), px * 0.2f);
      dl->AddRect(ImVec2(c0.x, y), ImVec2(c1.x, y_end), th.error, px * 0.2f, 0, 3.0f);
    }
    const std::string& l = lines[size_t(line - 1)];
    float tx = c0.x + gutter - xoff + float(row.indent) * char_w;
    dl->PushClipRect(ImVec2(c0.x + gutter - px * 0.1f, c0.y), c1, true);
    dl->AddText(font, cpx, ImVec2(tx, ty), row.comment ? th.text_faint : th.text, l.data() + row.from, l.data() + row.to);
    if (row.elided) dl->AddText(font, cpx, ImVec2(tx + float(row.to - row.from) * char_w, ty), th.text_faint, "\xe2\x80\xa6");
    dl->PopClipRect();
    geo_.code_rows.push_back({line, row.comment, y, y + lh, tx, l.substr(row.from, row.to - row.from)});
    if (row.cont)  // a wrapped row: "↪" where the line number would be
      dl->AddText(font, cpx, ImVec2(c0.x + gutter - cpx * 1.6f, ty), th.text_faint, "\xe2\x86\xaa");
    // A comment line's first row has its number (a trailing comment's row does not: its code's row has).
    const bool comment_line = row.comment && row.from == l.find_first_not_of(' ');
    if (!row.cont && (!row.comment || comment_line)) {
      char num[16];
      std::snprintf(num, sizeof num, "%3d", line);
      dl->AddText(font, cpx, ImVec2(c0.x + cpx * 0.15f, ty), th.text_faint, num);
    }
    if (row.comment) continue;
    // Marks and chips stand after a line's last code row.
    if (r + 1 < int(rows.size()) && rows[size_t(r + 1)].line == line && rows[size_t(r + 1)].cont && !rows[size_t(r + 1)].comment)
      continue;
    // Cursor chips, one per task on this line, right-aligned after the
    // line's text and never over it (a chip must not hide `timeout=0.2`).
    // Where they do not fit, they fold into one chip ("◀ S1 +3"); the
    // gutter marks keep every task's colour.
    float lpx = std::min(px * 0.9f, lh * 0.8f);
    if (failed_what) {  // what failed, after the line's text (elided to the room there)
      float fx = tx + float(row.to - row.from) * char_w + px * 0.6f;
      std::string lab = elide(fonts_.bold, lpx, "\xe2\x9c\x97 " + *failed_what, c1.x - fx - px * 0.8f);
      if (!lab.empty() && c1.x - fx > px * 3) {
        float w = fonts_.bold->CalcTextSizeA(lpx, FLT_MAX, 0, lab.c_str()).x + px * 0.8f;
        ImVec2 a(c1.x - w, y + 1), b(c1.x, y + lh - 1);
        dl->AddRectFilled(a, b, th.error, px * 0.3f);
        text_centered(dl, fonts_.bold, lpx, a, b, ink_on(th.error), lab.c_str());
      }
    }
    std::vector<const Cursor*> here;
    for (const Cursor& c : cursors)
      if (c.line == line) here.push_back(&c);
    if (here.empty()) continue;
    float text_end = tx + float(row.to - row.from) * char_w + px * 0.6f;
    auto chip_w = [&](const std::string& lab) { return fonts_.bold->CalcTextSizeA(lpx, FLT_MAX, 0, lab.c_str()).x + px * 0.8f; };
    auto tab_w = [&](const Cursor& c) { return c.callback ? 0.0f : task_tab_w(c.color, lh - 2); };
    auto label_of = [](const Cursor& c) { return (c.callback ? "" : "\xe2\x97\x80 ") + c.name; };  // ◀ A
    // Every task on the line gets a slice of the gutter mark (on the line's first row, by its number),
    // so colours never hide each other.
    int back = 0;
    while (r - back > first && rows[size_t(r - back)].cont) ++back;
    float gy = y - lh * float(back) + 1, gh = (lh - 2) / float(here.size());
    // In the code font's units, as the gutter is: in the UI's (larger in presenter mode) they covered the number.
    for (size_t n = 0; n < here.size(); ++n)
      dl->AddRectFilled(ImVec2(c0.x + gutter - cpx * 0.45f, gy + gh * float(n)),
                        ImVec2(c0.x + gutter - cpx * 0.15f, gy + gh * float(n + 1)), th.task(here[n]->color));
    // The chips: all of them; else one folded chip ("◀ S1 +3"); else the
    // count alone ("4 ◀"); else none (the gutter mark keeps the colours).
    float room_left = c1.x - text_end;
    float total = 0;
    for (const Cursor* c : here) total += chip_w(label_of(*c)) + tab_w(*c) + px * 0.3f;
    std::vector<std::pair<const Cursor*, std::string>> chips;
    if (total <= room_left) {
      for (const Cursor* c : here) chips.push_back({c, label_of(*c)});
    } else {
      std::string folded = label_of(*here.front()) + (here.size() > 1 ? " +" + std::to_string(here.size() - 1) : "");
      std::string count = here.size() > 1 ? std::to_string(here.size()) + " \xe2\x97\x80" : "\xe2\x97\x80";
      if (chip_w(folded) + tab_w(*here.front()) + px * 0.3f <= room_left) chips.push_back({here.front(), folded});
      else if (chip_w(count) + tab_w(*here.front()) + px * 0.3f <= room_left) chips.push_back({here.front(), count});
    }
    float x = c1.x;
    for (auto it = chips.rbegin(); it != chips.rend(); ++it) {
      const Cursor& shown = *it->first;
      const std::string& lab = it->second;
      ImVec2 a(x - chip_w(lab) - tab_w(shown), y + 1), b(x, y + lh - 1);
      geo_.code_chips.push_back({line, shown.id, a.x, b.x});
      if (shown.callback) {
        // A callback, not the task: outlined like its stage chip.
        dl->AddRectFilled(a, b, th.panel, px * 0.3f);
        dl->AddRect(a, b, th.task(shown.color), px * 0.3f, 0, 2.0f);
        text_centered(dl, fonts_.ui, lpx, a, b, th.text, lab.c_str());
      } else {
        dl->AddRectFilled(a, b, th.task(shown.color), px * 0.3f);
        float ta = task_tab(dl, a, b, shown.color, th.task(shown.color), px);
        text_centered(dl, fonts_.bold, lpx, ImVec2(ta, a.y), b, ink_on(th.task(shown.color)), lab.c_str());
      }
      x = a.x - px * 0.3f;
    }
  }
  dl->PopClipRect();
  // Sideways scroll: a thin bar says how much is out of view, and where.
  if (overflow > 0) {
    float track = c1.x - c0.x - gutter, total = track + overflow;
    float bx = c0.x + gutter + track * (xoff / total), bw = track * (track / total);
    dl->AddRectFilled(ImVec2(bx, c1.y + 2), ImVec2(bx + bw, c1.y + 6), th.text_faint, 2);
  }
  end_panel();
}

// [SECTION] Why

void App::draw_why(const ImVec2& size) {
  const Theme& th = theme();
  const Focus f = focused();
  const model::Model& m = f.s->model();
  float px = fonts_.px;
  std::string heading = quiz_.open() ? std::string("Predict") : focus_title("Why");
  begin_panel("why", heading.c_str(), size, fonts_, th);
  window_box(geo_.why.x0, geo_.why.y0, geo_.why.x1, geo_.why.y1);
  geo_.predict_choices.clear();
  if (quiz_.open()) {
    draw_predict();
    end_panel();
    return;
  }
  if (m.size()) {
    // The clip's caption says the same: both come from model::why_at.
    model::Why why = model::why_at(m, std::min(f.index, m.size() - 1));
    geo_.why_text = std::move(why.text);
    geo_.why_other_loop = std::move(why.other_loop);
    const std::string& text = geo_.why_text;
    // Large text when it fits the panel, else body text; the panel never cuts it off.
    ImVec2 avail = ImGui::GetContentRegionAvail();
    // The text sits a few px inside its child: a glyph that reaches left of its
    // pen ('j', 'T' at a fractional scale) is not clipped by the child's edge.
    const float inset = std::ceil(px * 0.15f);
    const float wrap_w = avail.x - 2 * inset;
    bool other = !geo_.why_other_loop.empty();
    // Rows wrap between words (gui::wrap_row, as the Console and the compare
    // summary do: "asyncio.run" and "3.0 s" stay whole), and the height the
    // panel asks for is counted with the same wrap.
    auto rows_of = [&](ImFont* fnt, float fpx, const std::string& t) {
      float n = 0;
      for (const char *p = t.c_str(), *end = p + t.size(); p < end; ++n) wrap_row(fnt, fpx, p, end, wrap_w, &p);
      return std::max(1.0f, n);
    };
    // The other loop's line is body text (at the main text's scale when that is body text too).
    auto other_px = [&](ImFont* fnt, float fpx) { return fnt == fonts_.ui ? fpx : fonts_.ui->FontSize; };
    const float gap = px * 0.3f + ImGui::GetStyle().ItemSpacing.y;
    auto fits_in = [&](ImFont* fnt, float fpx) {
      float h_text = rows_of(fnt, fpx, text) * fpx +
                     (other ? gap + rows_of(fonts_.ui, other_px(fnt, fpx), geo_.why_other_loop) * other_px(fnt, fpx) : 0);
      return h_text + px * 0.3f <= avail.y;
    };
    // What the panel needs for this text at body size: the layout gives the
    // Why at least the most any event of this run has needed so far (grow-only,
    // so panels do not jump back and forth while playing).
    {
      float body = rows_of(fonts_.ui, fonts_.ui->FontSize, text) * fonts_.ui->FontSize;
      float need = size.y - avail.y + body + px * 0.3f;
      RunMemo& memo = focused_run().memo();
      if (memo.why_w != size.x || memo.why_px != px) memo.why_w = size.x, memo.why_px = px, memo.why_need = 0;
      memo.why_need = std::max(memo.why_need, need);
    }
    // Large text when it fits, else body text scaled down as far as the text
    // floor, so the panel never needs scrolling on a projector.
    ImFont* font = fonts_.big;
    float fpx = font->FontSize;
    auto pick_size = [&] {
      font = fits_in(fonts_.big, fonts_.big->FontSize) ? fonts_.big : fonts_.ui;
      fpx = font->FontSize;
      for (; font == fonts_.ui && !fits_in(font, fpx) && fpx > look_.floor_px() + 0.5f; fpx *= 0.95f) {}
      fpx = std::max(fpx, look_.floor_px());
    };
    pick_size();
    // At the floor and still too long: the other loop's line (the secondary
    // story) gives way, and the main text takes the size it fits alone.
    if (font == fonts_.ui && other && !fits_in(font, fpx)) {
      other = false;
      pick_size();
    }
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(inset, 0));
    ImGui::BeginChild("why_text", avail, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_AlwaysUseWindowPadding);
    ImGui::PopStyleVar();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 pos = ImGui::GetCursorScreenPos();
    const float bottom = pos.y + avail.y - px * 0.3f;
    // Rows of `t` from y; the last row that fits, with text still to come, ends in an ellipsis (a narrow,
    // short panel at the floor): never a row cut in half. Returns the y under the rows.
    auto draw_rows = [&](ImFont* fnt, float rpx, const std::string& t, ImU32 col, float y) {
      const char* p = t.c_str();
      const char* end = p + t.size();
      while (p < end && y + rpx <= bottom + 0.5f) {
        const char* next = end;
        const char* row_end = wrap_row(fnt, rpx, p, end, wrap_w, &next);
        if (next < end && y + 2 * rpx > bottom + 0.5f) {
          std::string last = elide(fnt, rpx, std::string(p, end), wrap_w);
          dl->AddText(fnt, rpx, ImVec2(pos.x, y), col, last.c_str());
          return y + rpx;
        }
        dl->AddText(fnt, rpx, ImVec2(pos.x, y), col, p, row_end);
        p = next;
        y += rpx;
      }
      return y;
    };
    float y = draw_rows(font, fpx, text, th.text, pos.y);
    if (other) y = draw_rows(fonts_.ui, other_px(font, fpx), geo_.why_other_loop, th.text_dim, y + gap);
    ImGui::Dummy(ImVec2(wrap_w, std::max(1.0f, y - pos.y)));
    ImGui::EndChild();
  } else {
    ImGui::PushStyleColor(ImGuiCol_Text, th.text_faint);
    ImGui::TextWrapped("Press Run: the scenario runs on a real libuv loop and its trace streams in here.");
    ImGui::PopStyleColor();
  }
  end_panel();
}

// [SECTION] Console


// The Console's iteration column: room for "it N" of the largest iteration among the last
// prints (a long run's "it 1503" would run under the task's bar in room for "it 000").
float App::console_it_w(const model::Model& m, const std::vector<size_t>& prints, float px) const {
  uint32_t most = 100;
  for (size_t k = prints.size() > 64 ? prints.size() - 64 : 0; k < prints.size(); ++k)
    most = std::max(most, m.events()[prints[k]].it);
  char it[16];
  std::snprintf(it, sizeof it, "it %u", most);
  return fonts_.mono->CalcTextSizeA(std::max(px * 0.85f, look_.floor_px()), FLT_MAX, 0, it).x + px * 0.6f;
}

float App::tallest_print_rows(float w, ImFont* font, float fpx, bool it_col) {
  const Focus f = focused();
  const model::Model& m = f.s->model();
  const std::vector<size_t>& prints = *f.prints;
  // As draw_console places a print's text: after the iteration column (or a small margin) and the task's bar.
  const float it_w = console_it_w(m, prints, fpx);
  float tallest = 0;
  for (size_t k = prints.size() > 64 ? prints.size() - 64 : 0; k < prints.size(); ++k) {  // a program may print thousands
    const std::string text = model::elide(m.events()[prints[k]].s1, limits::kShownParagraphChars);
    bool own_it = std::strncmp(text.c_str(), "[it", 3) == 0;
    float ww = std::max(w - ((own_it || !it_col ? fpx * 0.3f : it_w) + fpx * 0.7f), fpx * 4);
    float n = 0;
    for (const char *p = text.c_str(), *end = p + text.size(); p < end; ++n) wrap_row(font, fpx, p, end, ww, &p);
    tallest = std::max(tallest, n);
  }
  return tallest;
}

void App::draw_console(const ImVec2& size) {
  const Theme& th = theme();
  const Focus f = focused();
  const model::Model& m = f.s->model();
  const std::vector<size_t>& prints = *f.prints;
  float px = fonts_.px;
  std::string heading = focus_title("Console");
  begin_panel("console", heading.c_str(), size, fonts_, th);
  window_box(geo_.console.x0, geo_.console.y0, geo_.console.x1, geo_.console.y1);
  ImVec2 c0, c1;
  content_rect(c0, c1);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_program_stderr(dl, c0, c1);  // a program's traceback at the bottom
  size_t idx = f.index;
  // Prints up to the playhead; the latest is the current one.
  size_t shown = size_t(std::upper_bound(prints.begin(), prints.end(), idx) - prints.begin());
  // The newest print is shown whole: when it does not fit at body size, the
  // Console's text steps down to the floor face, then gives up its iteration
  // column (a narrow panel); only a print taller than all of that is elided.
  ImFont* font = fonts_.mono;
  float lh = 0, it_w = 0;
  bool it_col = true;
  auto text_x = [&](const char* text) {
    bool own_it = std::strncmp(text, "[it", 3) == 0;  // the listing prints its own iteration
    return (own_it || !it_col ? c0.x + px * 0.3f : c0.x + it_w) + px * 0.7f;
  };
  // Rows wrap between words (gui::wrap_row): an identifier or a number is never split across rows.
  auto wrap_w = [&](const char* text) { return std::max(c1.x - text_x(text), px * 4); };
  auto rows_of = [&](const char* text) {
    float n = 0, ww = wrap_w(text);
    for (const char *p = text, *end = p + std::strlen(p); p < end; ++n) wrap_row(font, px, p, end, ww, &p);
    return std::max(1.0f, n);
  };
  const float body_px = px;
  for (int step = 0; step < 3; ++step) {
    if (step > 0) {
      if (!fonts_.mono_floor || fonts_.mono_floor_px >= body_px) break;  // no smaller face (at the desk)
      font = fonts_.mono_floor, px = fonts_.mono_floor_px, it_col = step < 2;
    }
    lh = px * 1.35f;
    it_w = console_it_w(m, prints, px);
    if (shown == 0) break;
    const Event& e = m.events()[prints[shown - 1]];
    if (rows_of(model::elide(e.s1, limits::kShownParagraphChars).c_str()) * lh <= c1.y - c0.y + 0.5f) break;
  }
  size_t first = shown;
  float need = 0;
  while (first > 0) {
    const Event& e = m.events()[prints[first - 1]];
    float h = rows_of(model::elide(e.s1, limits::kShownParagraphChars).c_str()) * lh;
    if (need + h > c1.y - c0.y && first < shown) break;
    need += h, --first;
  }
  dl->PushClipRect(c0, c1, true);
  float y = c0.y;
  geo_.console_rows.clear();
  for (size_t k = first; k < shown; ++k) {
    const Event& e = m.events()[prints[k]];
    // A print may be 64 KiB: wrapped whole it would be a thousand rows of vertices (core/limits.hpp).
    const std::string shown_text = model::elide(e.s1, limits::kShownParagraphChars);
    const char* text = shown_text.c_str();
    float h = rows_of(text) * lh;
    if (k + 1 == shown && prints[k] == idx)
      dl->AddRectFilled(ImVec2(c0.x, y), ImVec2(c1.x, y + h), th.highlight, px * 0.2f);
    else if (k + 1 == shown)
      dl->AddRect(ImVec2(c0.x, y), ImVec2(c1.x, y + h), th.highlight, px * 0.2f, 0, 2.0f);
    // Loop 1 (the client loop) numbers its tasks from 0 too: a print is coloured by (loop, task).
    const model::TaskInfo* ti = m.task(e.task, e.loop);
    bool own_it = std::strncmp(text, "[it", 3) == 0;
    float x = text_x(text);
    if (ti) dl->AddRectFilled(ImVec2(x - px * 0.7f, y + lh * 0.2f), ImVec2(x - px * 0.4f, y + h - lh * 0.2f), th.task(ti->color));
    if (!own_it && it_col) {
      char it[16];
      std::snprintf(it, sizeof it, "it %u", e.it);
      float ipx = std::max(px * 0.85f, look_.floor_px());
      dl->AddText(fonts_.mono, ipx, ImVec2(c0.x + px * 0.3f, y + (lh - ipx) * 0.5f), th.text_faint, it);
    }
    // One wrapped row per lh (AddText's own line height is the font size).
    const char* p = text;
    const char* end = text + std::strlen(text);
    float ry = y;
    while (p < end && ry + lh <= c1.y + 0.5f) {  // rows below the panel are not drawn
      const char* next = end;
      const char* row_end = wrap_row(font, px, p, end, wrap_w(text), &next);
      if (next < end && ry + 2 * lh > c1.y + 0.5f) {
        // The last row that fits, with text still to come: it ends in an ellipsis, never a half-drawn row.
        std::string last = elide(font, px, std::string(p, end), c1.x - x);
        dl->AddText(font, px, ImVec2(x, ry + (lh - px) * 0.5f), th.text, last.c_str());
        geo_.console_rows.push_back(std::move(last));
        break;
      }
      dl->AddText(font, px, ImVec2(x, ry + (lh - px) * 0.5f), th.text, p, row_end);
      geo_.console_rows.emplace_back(p, row_end);
      p = next;
      ry += lh;
    }
    y += h;
  }
  if (shown == 0) {
    dl->AddText(fonts_.ui, px, c0, th.text_faint, prints.empty() ? "nothing printed" : "nothing printed yet");
  }
  dl->PopClipRect();
  end_panel();
}

}  // namespace loopscope::gui
