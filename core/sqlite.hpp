// SQLite the aiosqlite way: every sqlite3 call runs on a pool worker, never on
// the loop thread, and a connection is used by one worker at a time (its jobs
// form a queue: the next is submitted when the previous one has delivered).
//
//   Database& db = sqlite_connect(":memory:");                      // db = await aiosqlite.connect(...)
//   co_await at(db.execute("CREATE TABLE books(title TEXT)"), 5);   // await db.execute(...)
//   co_await at(db.execute("INSERT INTO books VALUES (?)", {Value("Dune")}), 6);
//   Value rows = co_await at(db.execute("SELECT title FROM books"), 7);  // [['Dune']]
//
// Differences from aiosqlite, on purpose: execute() returns the rows at once
// (a list of row lists) instead of a cursor, and statements autocommit (no
// implicit transaction, so no commit() is needed). Jobs are traced as pool
// jobs labelled with their SQL.
#pragma once

#include <deque>
#include <string>

#include "thread_pool.hpp"

struct sqlite3;

namespace loopscope {

class Database : public Owned {
 public:
  Database(Loop& loop, std::string path);
  ~Database() override;  // after the loop closed: no job can still run
  // Runs sql with `?` parameters; result: list of rows, each a list of values.
  PoolJob& execute(std::string sql, List params = {});
  // Closes the connection (queued after the jobs already submitted).
  PoolJob& close();
  // The job that opens the connection (awaiting it is optional: later jobs wait for it anyway).
  PoolJob& opened() { return *open_job_; }

 private:
  PoolJob& enqueue(std::function<Value()> fn, const std::string& label);
  void submit_next();

  Loop& loop_;
  sqlite3* db_ = nullptr;  // touched by one worker at a time, in queue order
  std::deque<PoolJob*> queue_;
  bool busy_ = false;
  PoolJob* open_job_ = nullptr;
};

// `await aiosqlite.connect(path)`: the open runs in the pool as the connection's first job.
Database& sqlite_connect(std::string path);

}  // namespace loopscope
