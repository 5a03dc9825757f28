#include "sqlite.hpp"

#include <sqlite3.h>

namespace loopscope {

namespace {
// sqlite3's exception classes, by primary result code.
[[noreturn]] void raise_sqlite(sqlite3* db, int rc) {
  std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: throw Exception("IntegrityError", msg);
    case SQLITE_MISMATCH: case SQLITE_RANGE: throw Exception("InterfaceError", msg);
    default: throw Exception("OperationalError", msg);
  }
}

void bind(sqlite3* db, sqlite3_stmt* st, int i, const Value& v) {
  int rc;
  if (v.is_none()) rc = sqlite3_bind_null(st, i);
  else if (v.is_int()) rc = sqlite3_bind_int64(st, i, v.integer());
  else if (v.is_str()) rc = sqlite3_bind_text(st, i, v.str().data(), int(v.str().size()), SQLITE_TRANSIENT);
  else if (v.repr() == "True" || v.repr() == "False") rc = sqlite3_bind_int(st, i, v.repr() == "True");
  else rc = sqlite3_bind_double(st, i, v.number());
  if (rc != SQLITE_OK) raise_sqlite(db, rc);
}

Value column(sqlite3_stmt* st, int i) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: return Value(int64_t(sqlite3_column_int64(st, i)));
    case SQLITE_FLOAT: return Value(sqlite3_column_double(st, i));
    case SQLITE_NULL: return Value();
    default: {  // TEXT and BLOB both come back as strings (bytes)
      auto* p = static_cast<const char*>(sqlite3_column_blob(st, i));
      return Value(std::string(p ? p : "", size_t(sqlite3_column_bytes(st, i))));
    }
  }
}
}  // namespace

Database::Database(Loop& loop, std::string path) : loop_(loop) {
  open_job_ = &enqueue(
      [this, path] {
        sqlite3* db = nullptr;
        int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
        if (rc != SQLITE_OK) {
          std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
          sqlite3_close_v2(db);
          throw Exception("OperationalError", msg);
        }
        db_ = db;
        return Value();
      },
      "sqlite connect " + path);
}

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

PoolJob& Database::execute(std::string sql, List params) {
  return enqueue(
      [this, sql, params = std::move(params)] {
        if (!db_) throw Exception("ProgrammingError", "Cannot operate on a closed database.");
        sqlite3_stmt* st = nullptr;
        if (int rc = sqlite3_prepare_v2(db_, sql.c_str(), int(sql.size()), &st, nullptr); rc != SQLITE_OK)
          raise_sqlite(db_, rc);
        struct Finalize {
          sqlite3_stmt* st;
          ~Finalize() { sqlite3_finalize(st); }
        } fin{st};
        for (size_t i = 0; i < params.size(); ++i) bind(db_, st, int(i + 1), params[i]);
        List rows;
        for (;;) {
          int rc = sqlite3_step(st);
          if (rc == SQLITE_DONE) break;
          if (rc != SQLITE_ROW) raise_sqlite(db_, rc);
          List row;
          for (int c = 0, n = sqlite3_column_count(st); c < n; ++c) row.push_back(column(st, c));
          rows.push_back(Value(std::move(row)));
        }
        return Value(std::move(rows));
      },
      sql);
}

PoolJob& Database::close() {
  return enqueue(
      [this] {
        if (db_) sqlite3_close_v2(db_);
        db_ = nullptr;
        return Value();
      },
      "sqlite close");
}

PoolJob& Database::enqueue(std::function<Value()> fn, const std::string& label) {
  PoolJob* j = loop_.make<PoolJob>(std::move(fn), loop_.intern(label));
  j->on_done = [this] {
    busy_ = false;
    submit_next();
  };
  queue_.push_back(j);
  submit_next();
  return *j;
}

void Database::submit_next() {
  if (busy_ || queue_.empty()) return;
  busy_ = true;
  PoolJob* j = queue_.front();
  queue_.pop_front();
  j->submit();
}

Database& sqlite_connect(std::string path) { return *running_loop().make<Database>(std::move(path)); }

}  // namespace loopscope
