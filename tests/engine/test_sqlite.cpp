// SQLite the aiosqlite way: statements run on pool workers, one at a time
// per connection, and their rows come back to the awaiting task.
#include "core/sqlite.hpp"
#include "support/engine_run.hpp"

using namespace loopscope;
using namespace loopscope::test;

TEST_CASE("a table created, filled and queried through the pool returns its rows") {
  Trace trace;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Database& db = sqlite_connect(":memory:");
    co_await at(db.execute("CREATE TABLE books(id INTEGER PRIMARY KEY, title TEXT, price REAL)"), 4);
    // Submitted together: the connection's queue runs them one after another.
    PoolJob& a = db.execute("INSERT INTO books(title, price) VALUES (?, ?)", {Value("Dune"), Value(9.5)});
    PoolJob& b = db.execute("INSERT INTO books(title, price) VALUES (?, ?)", {Value("Emma"), Value()});
    co_await at(gather(a, b), 7);
    Value rows = co_await at(db.execute("SELECT id, title, price FROM books ORDER BY id"), 8);
    co_await at(db.close(), 9);
    co_return rows;
  });
  REQUIRE(o.error.empty());
  CHECK(o.result.repr() == "[[1, 'Dune', 9.5], [2, 'Emma', None]]");
  // One pool job per statement (plus connect and close), and never two of one connection at once.
  std::vector<const Event*> starts, ends;
  for (const Event& e : o.events) {
    if (e.kind == Ev::pool_start) starts.push_back(&e);
    if (e.kind == Ev::pool_end) ends.push_back(&e);
  }
  REQUIRE(starts.size() == 6);
  REQUIRE(ends.size() == 6);
  for (size_t i = 1; i < starts.size(); ++i) CHECK(ends[i - 1]->t_ns <= starts[i]->t_ns);
  check_clean(o);
}

TEST_CASE("a bad statement raises sqlite3's OperationalError in the awaiting task") {
  Trace trace;
  std::string caught;
  RunOutcome o = run_main(trace, [&]() -> Coroutine {
    Database& db = sqlite_connect(":memory:");
    try {
      co_await at(db.execute("SELEC 1"), 4);
    } catch (const Exception& e) {
      caught = e.type() + ": " + e.what();
    }
    co_return {};
  });
  CHECK(o.error.empty());
  CHECK(caught == "OperationalError: near \"SELEC\": syntax error");
  check_clean(o);
}
