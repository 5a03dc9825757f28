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

// One valid event of every kind, every slot filled, as the writer writes it.
std::vector<Event> one_of_each_kind() {
  static Trace strings;
  std::vector<Event> out;
  for (size_t k = 0; k < size_t(Ev::count_); ++k) {
    Event e;
    e.kind = Ev(k);
    e.seq = k;
    e.t_ns = int64_t(k) * 1000;
    e.it = uint32_t(k);
    e.loop = k % 2;
    e.task = int32_t(k);
    e.id = 7;
    e.line = 12;
    e.ref = 3;
    e.num = 42;
    e.code = 1;
    e.flags = e.kind == Ev::step_end ? kFlagSlow : 0;
    e.s1 = strings.intern("t\u00e9xt \"quoted\"\n\ttab \x01");
    e.s2 = e.kind == Ev::run_begin ? strings.intern("{\"n\": 3, \"mode\": \"fast\", \"xs\": [1, 2.5e3]}") : nullptr;
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
  std::string first = jsonl(one_of_each_kind());
  Trace loaded;
  CHECK(load_trace_bytes("kinds.jsonl", first.data(), first.size(), loaded) == "");
  CHECK(jsonl(merged_events(loaded)) == first);
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
