// Strings in the JSON the writer produces (JSON Lines and the Chrome export):
// whatever bytes a string holds (an HTTP client's request line, a program's
// print), the output is valid JSON and valid UTF-8, so the loader takes it back.
// Invalid UTF-8 becomes U+FFFD, one per maximal invalid subsequence, as
// Python's bytes.decode("utf-8", errors="replace") does.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "core/chrome_trace.hpp"
#include "core/trace_json.hpp"
#include "core/trace_load.hpp"

using namespace loopscope;

namespace {
const std::string kFffd = "\xEF\xBF\xBD";

std::string literal(const char* s) {
  std::string out;
  append_json_string(out, s);
  return out;
}
}  // namespace

TEST_CASE("invalid UTF-8 in a string is written as U+FFFD, once per maximal invalid subsequence") {
  CHECK(literal("/\xff") == "\"/" + kFffd + "\"");                         // a byte that starts nothing
  CHECK(literal("\xc3\x28") == "\"" + kFffd + "(\"");                      // a lead byte without its continuation
  CHECK(literal("\xed\xa0\x80") == "\"" + kFffd + kFffd + kFffd + "\"");  // an encoded surrogate
  CHECK(literal("\xc0\xaf") == "\"" + kFffd + kFffd + "\"");              // an overlong '/'
  CHECK(literal("\xf0\x9f\x98") == "\"" + kFffd + "\"");                  // cut short at the end
  CHECK(literal("\xf0\x9f\x98!") == "\"" + kFffd + "!\"");                // cut short before ASCII
  CHECK(literal("\xf4\x90\x80\x80") == "\"" + kFffd + kFffd + kFffd + kFffd + "\"");  // past U+10FFFF
}

TEST_CASE("valid UTF-8 and control characters are kept, the controls escaped") {
  CHECK(literal("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  CHECK(literal("a\"b\\c\nd\x01") == "\"a\\\"b\\\\c\\nd\\u0001\"");
  CHECK(literal(nullptr) == "null");
}

TEST_CASE("a trace holding invalid UTF-8 is saved as valid JSON Lines that the loader takes back") {
  Trace st;  // owns the strings
  std::vector<Event> events;
  auto add = [&](Ev kind) -> Event& {
    Event e;
    e.kind = kind;
    e.seq = events.size();
    events.push_back(e);
    return events.back();
  };
  Event& b = add(Ev::run_begin);
  b.s1 = st.intern("concurrent-server");
  b.s2 = st.intern("{}");
  Event& n = add(Ev::task_new);
  n.task = 0;
  n.s1 = st.intern("127.0.0.1:5\xff");
  n.ref = -1;
  Event& p = add(Ev::print);
  p.task = 0;
  p.line = 1;
  p.s1 = st.intern("served GET /\xff\xc3\x28\xed\xa0\x80 to 127.0.0.1");
  Event& e = add(Ev::run_end);
  e.s1 = nullptr;

  std::string dir = std::filesystem::temp_directory_path() / ("loopscope-json-strings-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  REQUIRE(save_jsonl(dir + "/t.jsonl", events) == "");
  Trace back;
  REQUIRE(load_trace_file(dir + "/t.jsonl", back) == "");
  std::vector<Event> loaded = merged_events(back);
  REQUIRE(loaded.size() == events.size());
  CHECK(std::string(loaded[1].s1) == "127.0.0.1:5" + kFffd);
  CHECK(std::string(loaded[2].s1) == "served GET /" + kFffd + kFffd + "(" + kFffd + kFffd + kFffd + " to 127.0.0.1");
  // Saving what was loaded gives the same bytes: the replacement is decided once.
  REQUIRE(save_jsonl(dir + "/again.jsonl", loaded) == "");
  auto bytes = [](const std::string& path) {
    std::string s;
    if (FILE* f = std::fopen(path.c_str(), "rb")) {
      char buf[4096];
      size_t k;
      while ((k = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, k);
      std::fclose(f);
    }
    return s;
  };
  CHECK(bytes(dir + "/t.jsonl") == bytes(dir + "/again.jsonl"));
  // The Chrome export too: the same writer for its strings.
  std::string chrome = to_chrome_trace(events);
  CHECK(chrome.find("\xff") == std::string::npos);
  CHECK(chrome.find(kFffd) != std::string::npos);
  std::filesystem::remove_all(dir);
}
