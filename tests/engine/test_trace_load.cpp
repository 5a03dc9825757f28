// Loading a JSON Lines trace: a saved run comes back event for event, and a
// bad file (truncated, garbage, enormous, hostile) gives one line naming the
// file and the problem, never a crash or a hang.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/trace_json.hpp"
#include "core/trace_load.hpp"
#include "core/trace_schema.hpp"
#include "scenarios/scenario.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
namespace fs = std::filesystem;

namespace {

std::string jsonl(const std::vector<Event>& events) {
  std::ostringstream out;
  write_jsonl(out, events);
  return out.str();
}

// A scratch directory removed at the end of each test.
struct TempDir {
  fs::path dir = fs::temp_directory_path() / ("loopscope-trace-load-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(dir); }
  ~TempDir() { fs::remove_all(dir); }
  std::string write(const std::string& name, const std::string& bytes) const {
    std::string p = (dir / name).string();
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
};

std::string run_and_save(const char* scenario) {
  Trace trace;
  const Scenario* s = find_scenario(scenario);
  REQUIRE(s);
  RunOptions opts;
  opts.time_scale = 0.05;
  RunResult r = run_scenario(*s, s->resolve({}), trace, opts);
  CHECK(r.loop_close_rc == 0);
  CHECK(live_frames().load() == 0);
  return jsonl(merged_events(trace));
}

// One valid event of every kind with every field of the table set (the
// optional ones too), through the table itself: a field the writer or the
// loader forgot would not come back.
std::vector<Event> one_of_each_kind(uint8_t enum_value = 1) {
  static Trace strings;
  std::vector<Event> out;
  for (size_t k = 0; k < size_t(Ev::count_); ++k) {
    Event e;
    e.kind = Ev(k);
    e.seq = k;
    e.t_ns = int64_t(k) * 1000;
    e.it = uint32_t(k);
    e.loop = k % 2;
    for (const FieldSpec& f : fields_of(e.kind)) {
      uint64_t v = 0;
      switch (f.type) {
        case Type::id: v = 7; break;
        case Type::line: v = 12; break;
        case Type::timeout: v = 3; break;
        case Type::count: v = 42; break;
        case Type::i64: v = uint64_t(int64_t(-5)); break;
        case Type::i32: v = uint64_t(int64_t(-2)); break;
        case Type::str: v = std::bit_cast<uint64_t>(strings.intern("t\u00e9xt \"quoted\"\n\ttab \x01")); break;
        case Type::object:
          v = std::bit_cast<uint64_t>(strings.intern("{\"n\": 3, \"mode\": \"fast\", \"xs\": [1, 2.5e3]}"));
          break;
        case Type::enum_: v = std::min<uint8_t>(enum_value, uint8_t(f.names->count - 1)); break;
        case Type::flag: v = 1; break;
      }
      if (f.presence == Presence::when_code && e.code != f.cond) continue;
      if (f.presence == Presence::unless_bit && ((e.flags >> f.cond) & 1)) continue;  // shares its slot
      set(e, f, v);
    }
    out.push_back(e);
  }
  return out;
}

}  // namespace

TEST_CASE("a saved run loads back and saves again byte for byte") {
  for (const char* id : {"gather-errors", "taskgroup-cancel"}) {
    CAPTURE(id);
    std::string first = run_and_save(id);
    TempDir tmp;
    std::string path = tmp.write("run.jsonl", first);
    Trace loaded;
    CHECK(load_trace_file(path, loaded) == "");
    std::vector<Event> events = merged_events(loaded);
    CHECK(events.size() == size_t(std::count(first.begin(), first.end(), '\n')));
    for (size_t i = 0; i < events.size(); ++i) CHECK(events[i].seq == i);
    CHECK(jsonl(events) == first);
  }
}

TEST_CASE("every event kind and field survives a save and a load") {
  for (uint8_t enum_value : {1, 2, 3, 8, 20}) {  // the last values of each enum too (clamped per enum)
    CAPTURE(int(enum_value));
    std::string first = jsonl(one_of_each_kind(enum_value));
    Trace loaded;
    CHECK(load_trace_bytes("kinds.jsonl", first.data(), first.size(), loaded) == "");
    CHECK(jsonl(merged_events(loaded)) == first);
  }
}

TEST_CASE("each field added this round is written by name and read back into its typed view") {
  std::string text = jsonl(one_of_each_kind());
  for (const char* field : {"\"fn\": \"task.step\"", "\"on\": \"sleep\"", "\"target\": 7", "\"preempted\": true",
                            "\"cpu_ns\": 42", "\"file\": ", "\"entry\": \"asyncio.run\"", "\"engine\": \"loopscope\"",
                            "\"python\": ", "\"how\": \"return\"", "\"exit_code\": -2", "\"ev\": \"source\"",
                            "\"ev\": \"truncated\"", "\"reason\": ", "\"limit\": -5", "\"ev\": \"bookmark\"", "\"at\": 42"})
    CHECK_MESSAGE(text.find(field) != std::string::npos, field);
  Trace loaded;
  REQUIRE(load_trace_bytes("kinds.jsonl", text.data(), text.size(), loaded) == "");
  for (const Event& e : merged_events(loaded)) {
    CAPTURE(name(e.kind));
    if (e.kind == Ev::ready_push) CHECK(as<ev::ReadyPush>(e).fn == HandleFn::task_step);
    if (e.kind == Ev::ready_run) CHECK(as<ev::ReadyRun>(e).fn == HandleFn::task_step);
    if (e.kind == Ev::step_end) {
      ev::StepEnd s = as<ev::StepEnd>(e);
      CHECK(s.on == AwaitOn::sleep);
      CHECK(s.target == 7);
      CHECK(s.preempted);
      CHECK(s.slow);
      CHECK(s.cpu_ns == 42);
      CHECK(s.dur_ns == 42);
      CHECK(std::string(s.file).find("quoted") != std::string::npos);
    }
    if (e.kind == Ev::run_begin) {
      ev::RunBegin r = as<ev::RunBegin>(e);
      CHECK(r.entry == Entry::asyncio_run);
      CHECK(r.engine == EngineKind::loopscope);
      REQUIRE(r.python);
    }
    if (e.kind == Ev::run_end) {
      CHECK(as<ev::RunEnd>(e).how == EndHow::return_);
      CHECK(has_exit_code(e));
      CHECK(as<ev::RunEnd>(e).exit_code == -2);
    }
    if (e.kind == Ev::loop_poll) CHECK(as<ev::Poll>(e).timeout_ms == 3);
    if (e.kind == Ev::bookmark) CHECK(as<ev::Bookmark>(e).at == 42);
    if (e.kind == Ev::truncated) CHECK(as<ev::Truncated>(e).limit == -5);
  }
}

TEST_CASE("a step.end's via is written by name, read back into its view, and saves back the same") {
  // via shares cpu_ns's slot (one_of_each_kind sets cpu_ns): a step.end of its own without it.
  static Trace strings;
  Event e;
  e.kind = Ev::step_end;
  ev::StepEnd v;
  v.task = 0, v.line = 12, v.wait = Wait::yield, v.on = AwaitOn::yield, v.dur_ns = 5;
  v.via = strings.intern("loop.create_server");
  put(e, v);
  const std::string text = jsonl({e});
  CHECK_MESSAGE(text.find("\"via\": \"loop.create_server\"") != std::string::npos, text);
  Trace loaded;
  REQUIRE(load_trace_bytes("via.jsonl", text.data(), text.size(), loaded) == "");
  const std::vector<Event> back = merged_events(loaded);
  REQUIRE(back.size() == 1);
  CHECK(std::string(as<ev::StepEnd>(back[0]).via) == "loop.create_server");
  CHECK(as<ev::StepEnd>(back[0]).cpu_ns == 0);
  CHECK(jsonl(back) == text);
}

TEST_CASE("a trace written before this round's fields loads, reads as unset, and saves back the same") {
  // Lines as the writer wrote them before fn, on, entry... existed.
  const std::string old =
      "{\"seq\": 0, \"t_ns\": 0, \"loop\": 0, \"it\": 0, \"ev\": \"run.begin\", \"scenario\": \"x\", \"params\": {}}\n"
      "{\"seq\": 1, \"t_ns\": 5, \"loop\": 0, \"it\": 0, \"ev\": \"ready.push\", \"handle\": 0, \"task\": 0, "
      "\"label\": \"main step\", \"cause\": \"new\"}\n"
      "{\"seq\": 2, \"t_ns\": 6, \"loop\": 0, \"it\": 1, \"ev\": \"ready.run\", \"handle\": 0, \"task\": 0, "
      "\"label\": \"main step\", \"left\": 0}\n"
      "{\"seq\": 3, \"t_ns\": 7, \"loop\": 0, \"it\": 1, \"ev\": \"step.end\", \"task\": 0, \"line\": 3, "
      "\"wait\": \"queue\", \"dur_ns\": 1}\n"
      "{\"seq\": 4, \"t_ns\": 8, \"loop\": 0, \"it\": 1, \"ev\": \"run.end\", \"status\": \"ok\", \"error\": null}\n";
  Trace loaded;
  REQUIRE(load_trace_bytes("old.jsonl", old.data(), old.size(), loaded) == "");
  std::vector<Event> ev = merged_events(loaded);
  REQUIRE(ev.size() == 5);
  CHECK(as<ev::RunBegin>(ev[0]).entry == Entry::unset);
  CHECK(as<ev::RunBegin>(ev[0]).python == nullptr);
  CHECK(as<ev::ReadyPush>(ev[1]).fn == HandleFn::unset);
  CHECK(as<ev::ReadyPush>(ev[1]).cause == Cause::new_);
  CHECK(as<ev::ReadyRun>(ev[2]).fn == HandleFn::unset);
  CHECK(as<ev::StepEnd>(ev[3]).on == AwaitOn::unset);
  CHECK(as<ev::StepEnd>(ev[3]).target == -1);
  CHECK(as<ev::StepEnd>(ev[3]).wait == Wait::queue);
  CHECK_FALSE(has_exit_code(ev[4]));
  CHECK(jsonl(ev) == old);
}

TEST_CASE("a new field with a value outside its set is refused with its name") {
  auto line = [](const std::string& extra) {
    return "{\"seq\": 0, \"t_ns\": 5, \"loop\": 0, \"it\": 1, \"ev\": \"ready.push\", \"handle\": 0, \"task\": 0, "
           "\"label\": \"x\", \"cause\": \"threadsafe\"" + extra + "}\n";
  };
  Trace ok;
  CHECK(load_trace_bytes("ok.jsonl", line(", \"fn\": \"pool.done\"").data(), line(", \"fn\": \"pool.done\"").size(), ok) == "");
  std::string bad = line(", \"fn\": \"teleport\"");
  Trace t;
  CHECK(load_trace_bytes("bad.jsonl", bad.data(), bad.size(), t) == "bad.jsonl:1: unknown fn 'teleport'");
}

TEST_CASE("loaded strings are interned once and stay valid after the file is gone") {
  std::string text = run_and_save("gather-errors");
  Trace loaded;
  {
    TempDir tmp;
    REQUIRE(load_trace_file(tmp.write("run.jsonl", text), loaded) == "");
  }
  const char* step_label = nullptr;
  int same = 0;
  for (const Event& e : merged_events(loaded))
    if (e.kind == Ev::ready_push && e.s1 && std::string(e.s1) == "main step") {
      if (!step_label) step_label = e.s1;
      same += e.s1 == step_label;
    }
  CHECK(same >= 1);
  CHECK(jsonl(merged_events(loaded)) == text);
}

TEST_CASE("unknown fields are ignored, as the format may grow new ones") {
  std::string line =
      "{\"seq\": 0, \"t_ns\": 5, \"loop\": 0, \"it\": 1, \"ev\": \"step.begin\", \"task\": 0, \"line\": 3, "
      "\"future_field\": {\"nested\": [1, {\"x\": null}]}}\n";
  Trace loaded;
  CHECK(load_trace_bytes("grown.jsonl", line.data(), line.size(), loaded) == "");
  CHECK(loaded.size() == 1);
}

TEST_CASE("each kind of bad file gives one line naming the file and the problem") {
  TempDir tmp;
  const std::string good = "{\"seq\": 0, \"t_ns\": 5, \"loop\": 0, \"it\": 1, \"ev\": \"step.begin\", \"task\": 0, \"line\": 3}";
  auto with = [&](const std::string& field_and_value) {  // `good` with one more field
    return good.substr(0, good.size() - 1) + ", " + field_and_value + "}\n";
  };
  struct Case {
    const char* name;
    std::string bytes;
    const char* expect;  // a part of the message
  };
  std::string nested = "{\"seq\": 0, \"t_ns\": 5, \"loop\": 0, \"it\": 1, \"ev\": \"deadlock\", \"task\": 0, \"x\": " +
                       std::string(100000, '[') + std::string(100000, ']') + "}\n";
  std::string huge_string = with("\"y\": \"" + std::string(10 << 20, 'a') + "\"");
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += char((i * 7919 + 13) & 0xff);
  std::vector<Case> cases = {
      {"empty.jsonl", "", "no events"},
      {"blank.jsonl", "\n  \n\n", "no events"},
      {"garbage.jsonl", garbage, ":1: "},
      {"truncated.jsonl", good + "\n" + good.substr(0, 40), "truncated"},
      {"nested.jsonl", nested, "nested too deeply"},
      {"huge-number.jsonl", "{\"seq\": 0, \"t_ns\": 123456789012345678901234567890, \"loop\": 0, \"it\": 1, "
                            "\"ev\": \"deadlock\", \"task\": 0}\n", "out of range for t_ns"},
      {"float-id.jsonl", "{\"seq\": 0, \"t_ns\": 1.5e3, \"loop\": 0, \"it\": 1, \"ev\": \"deadlock\", \"task\": 0}\n",
       "out of range for t_ns"},
      {"negative-id.jsonl", "{\"seq\": 0, \"t_ns\": 5, \"loop\": 0, \"it\": 1, \"ev\": \"deadlock\", \"task\": -7}\n",
       "out of range for task"},
      {"big-id.jsonl", "{\"seq\": 0, \"t_ns\": 5, \"loop\": 0, \"it\": 1, \"ev\": \"deadlock\", \"task\": 2000000000}\n",
       "out of range for task"},
      {"string-10mb.jsonl", huge_string, "line too long"},
      {"duplicate.jsonl", with("\"task\": 1"), "duplicate field 'task'"},
      {"utf8.jsonl", with("\"z\": \"caf\xc3\x28\""), "invalid UTF-8"},
      {"overlong.jsonl", with("\"z\": \"\xc0\xaf\""), "invalid UTF-8"},
      {"nul.jsonl", with(std::string("\"z\": \"a\0b\"", 10)), "NUL byte"},
      {"nul-escape.jsonl", with("\"z\": \"a\\u0000b\""), "\\u0000"},
      {"surrogate.jsonl", with("\"z\": \"\\ud800\""), "surrogate"},
      {"unknown-kind.jsonl", "{\"seq\": 0, \"t_ns\": 5, \"loop\": 0, \"it\": 1, \"ev\": \"warp.drive\"}\n",
       "unknown event kind 'warp.drive'"},
      {"missing.jsonl", "{\"seq\": 0, \"t_ns\": 5, \"loop\": 0, \"it\": 1, \"ev\": \"print\", \"task\": 0, \"line\": 2}\n",
       "missing field 'text' for print"},
      {"wrong-type.jsonl", "{\"seq\": 0, \"t_ns\": \"5\", \"loop\": 0, \"it\": 1, \"ev\": \"deadlock\", \"task\": 0}\n",
       "expected a number for t_ns"},
      {"seq-gap.jsonl", good + "\n" + good + "\n", ":2: seq is 0, expected 1"},
      {"time-back.jsonl", good + "\n" + "{\"seq\": 1, \"t_ns\": 4, \"loop\": 0, \"it\": 1, \"ev\": \"deadlock\", \"task\": 0}\n",
       "goes back in time"},
      {"bad-enum.jsonl", "{\"seq\": 0, \"t_ns\": 5, \"loop\": 0, \"it\": 1, \"ev\": \"step.end\", \"task\": 0, \"line\": 1, "
                         "\"wait\": \"forever\", \"dur_ns\": 1}\n", "unknown wait 'forever'"},
      {"trailing.jsonl", good + " {}\n", "after the object"},
      {"array.jsonl", "[1, 2, 3]\n", "expected '{'"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    std::string path = tmp.write(c.name, c.bytes);
    Trace t;
    std::string err = load_trace_file(path, t);
    CHECK(err.find(path) == 0);
    CHECK(err.find('\n') == std::string::npos);
    CHECK(err.size() < 400);
    CHECK_MESSAGE(err.find(c.expect) != std::string::npos, err);
  }

  SUBCASE("a 2 GB sparse file is refused before reading it") {
    std::string path = (tmp.dir / "sparse.jsonl").string();
    { std::ofstream(path) << ""; }
    REQUIRE(::truncate(path.c_str(), off_t(2) << 30) == 0);
    Trace t;
    std::string err = load_trace_file(path, t);
    CHECK(err == path + ": too large (2048 MiB; the limit is 512 MiB)");
  }
  SUBCASE("a missing file, a directory and a FIFO are refused without blocking") {
    Trace t1, t2, t3;
    CHECK(load_trace_file((tmp.dir / "nope.jsonl").string(), t1).find("cannot open") != std::string::npos);
    CHECK(load_trace_file(tmp.dir.string(), t2).find("is a directory") != std::string::npos);
    std::string fifo = (tmp.dir / "fifo.jsonl").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(load_trace_file(fifo, t3).find("not a regular file") != std::string::npos);
  }
}

TEST_CASE("the caps on events, lines and strings are enforced") {
  std::string text = run_and_save("gather-errors");
  TraceLoadLimits lim;
  lim.max_events = 10;
  Trace t1;
  CHECK(load_trace_bytes("run.jsonl", text.data(), text.size(), t1, lim) ==
        "run.jsonl:11: too many events (over 10)");
  lim = {};
  lim.max_string_bytes = 4;
  Trace t2;
  CHECK(load_trace_bytes("run.jsonl", text.data(), text.size(), t2, lim).find("string too long") != std::string::npos);
  lim = {};
  lim.max_file_bytes = 100;
  Trace t3;
  CHECK(load_trace_bytes("run.jsonl", text.data(), text.size(), t3, lim).find("too large") != std::string::npos);
}

TEST_CASE("the cap on tasks is enforced with one line naming the line that went over") {
  std::string text;
  for (int k = 0; k < 3; ++k)
    text += "{\"seq\": " + std::to_string(k) + ", \"t_ns\": 5, \"loop\": 0, \"it\": 0, \"ev\": \"task.new\", \"task\": " +
            std::to_string(k) + ", \"name\": \"t\", \"parent\": null}\n";
  TraceLoadLimits lim;
  lim.max_tasks = 2;
  Trace t;
  CHECK(load_trace_bytes("run.jsonl", text.data(), text.size(), t, lim) == "run.jsonl:3: too many tasks (over 2)");
  lim.max_tasks = 3;
  Trace ok;
  CHECK(load_trace_bytes("run.jsonl", text.data(), text.size(), ok, lim) == "");
  CHECK(limits::kTasks == TraceLoadLimits{}.max_tasks);  // the default is the table's
}

TEST_CASE("run.begin's params come back as written, and as key and value for the view") {
  const std::string params = "{\"n\": 3, \"delay\": 0.25, \"mode\": \"caf\\u00e9\", \"xs\": [1, {\"a\": null}]}";
  std::string text = "{\"seq\": 0, \"t_ns\": 5, \"loop\": 0, \"it\": 0, \"ev\": \"run.begin\", \"scenario\": \"gather\", "
                     "\"params\": " + params + "}\n";
  Trace t;
  REQUIRE(load_trace_bytes("run.jsonl", text.data(), text.size(), t) == "");
  std::vector<Event> ev = merged_events(t);
  REQUIRE(ev.size() == 1);
  CHECK(std::string(as<ev::RunBegin>(ev[0]).params) == params);
  CHECK(jsonl(ev) == text);
  using KV = std::vector<std::pair<std::string, std::string>>;
  CHECK(json_object_fields(params) ==
        KV{{"n", "3"}, {"delay", "0.25"}, {"mode", "caf\xc3\xa9"}, {"xs", "[1, {\"a\": null}]"}});
  CHECK(json_object_fields("{\"n\": 3,}").empty());  // not JSON: nothing
  CHECK(json_object_fields("[1]").empty());
  CHECK(json_object_fields("{\"a\": 1} x").empty());
}

TEST_CASE("a bad line deep in a big file is named by its own line number, with the message it gets on its own") {
  // Whole lines are parsed as one document stream (trace_load.cpp's fast_lines);
  // anything unusual falls back to the line-by-line reader, whose messages these are.
  TempDir tmp;
  auto line = [](int seq, const std::string& extra) {
    return "{\"seq\": " + std::to_string(seq) + ", \"t_ns\": 5, \"loop\": 0, \"it\": 1, \"ev\": \"deadlock\", \"task\": 0" +
           extra + "}";
  };
  const std::vector<std::string> bad = {
      line(-1, "") + " {}",                       // text after the object
      line(-1, "") + line(-1, ""),                // two objects on one line
      line(-1, ", \"z\": \"caf\xc3\x28\""),       // invalid UTF-8
      line(-1, ", \"x\": " + std::string(100, '[') + std::string(100, ']')),  // nested too deeply
      line(-1, ", \"task\": 1"),                  // duplicate field
      line(-1, ", \"z\": 1e999999"),              // a number out of range
      "[1, 2]",                                   // not an object
      line(-1, "").substr(0, 30),                 // cut short
  };
  for (size_t b = 0; b < bad.size(); ++b) {
    CAPTURE(b);
    auto with_seq = [&](int seq) {  // the bad line with the seq it must have there
      std::string s = bad[b];
      for (size_t at; (at = s.find("\"seq\": -1")) != std::string::npos;) s.replace(at, 9, "\"seq\": " + std::to_string(seq));
      return s;
    };
    Trace alone;
    const std::string first = load_trace_bytes("f", (with_seq(0) + "\n").data(), with_seq(0).size() + 1, alone);
    REQUIRE(first.rfind("f:1: ", 0) == 0);
    std::string deep;
    for (int i = 0; i < 3000; ++i) deep += line(i, "") + (i % 500 == 7 ? "\n \t\n" : "\n");  // blank lines count too
    const int blank = 6;  // lines 7, 507, ..., 2507 are each followed by one
    deep += with_seq(3000) + "\n" + line(3001, "") + "\n";
    const std::string expect = "f:" + std::to_string(3001 + blank) + ": " + first.substr(5);
    Trace from_bytes;
    CHECK(load_trace_bytes("f", deep.data(), deep.size(), from_bytes) == expect);
    Trace from_file;
    const std::string path = tmp.write("deep.jsonl", deep);
    CHECK(load_trace_file(path, from_file) == path + expect.substr(1));
  }
  std::string good;
  for (int i = 0; i < 100000; ++i) good += line(i, "") + (i % 777 == 0 ? "\r\n" : "\n");
  Trace t;
  CHECK(load_trace_bytes("f", good.data(), good.size(), t) == "");
  CHECK(t.size() == 100000);
}
