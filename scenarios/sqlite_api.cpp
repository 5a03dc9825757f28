// sqlite-api: the books-and-movies CRUD of the classic asyncio API demo, the
// aiosqlite way. sqlite3 calls block, so each runs on a pool worker; the
// connection takes one call at a time, so concurrent requests queue for it
// while the loop stays free.
#include "core/sqlite.hpp"
#include "registry.hpp"

namespace loopscope {
namespace {

const char* kListing = R"PY(import asyncio
import sqlite3
import threading

db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
db_lock = threading.Lock()  # one call at a time on the connection


def run_sql(sql, args):
    with db_lock:
        return db.execute(sql, args).fetchall()


async def execute(sql, *args):
    # What aiosqlite does underneath: the blocking sqlite3 call runs in a thread.
    return await asyncio.to_thread(run_sql, sql, args)


BOOKS = [("Dune", 1965), ("Neuromancer", 1948), ("Hyperion", 1989), ("Solaris", 1961), ("Ubik", 1969)]
MOVIES = [("Alien", 1979), ("Gattaca", 1997), ("Arrival", 2016), ("Stalker", 1979), ("Moon", 2009)]


async def create_tables():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(execute("CREATE TABLE books (title TEXT PRIMARY KEY, year INT)"))
        tg.create_task(execute("CREATE TABLE movies (title TEXT PRIMARY KEY, year INT)"))
    print("startup: tables created")


async def create(table, title, year):
    await execute(f"INSERT INTO {table} VALUES (?, ?)", title, year)


async def read_all(table):
    rows = await execute(f"SELECT title, year FROM {table} ORDER BY title")
    return ", ".join(f"{title} ({year})" for title, year in rows)


async def update(table, title, year):
    await execute(f"UPDATE {table} SET year = ? WHERE title = ?", year, title)


async def delete(table, title):
    await execute(f"DELETE FROM {table} WHERE title = ?", title)


async def main():
    await create_tables()
    inserts = [create("books", *b) for b in BOOKS[:${rows}]]
    inserts += [create("movies", *m) for m in MOVIES[:${rows}]]
    await asyncio.gather(*inserts)
    print(f"POST: {len(inserts)} rows inserted")
    books, movies = await asyncio.gather(read_all("books"), read_all("movies"))
    print(f"GET /books: {books}")
    print(f"GET /movies: {movies}")
    await asyncio.gather(update("books", "Neuromancer", 1984), delete("movies", "Alien"))
    books, movies = await asyncio.gather(read_all("books"), read_all("movies"))
    print(f"after PUT and DELETE: {books} | {movies}")


asyncio.run(main())
)PY";

struct Row {
  const char* title;
  int year;
};
const Row kBooks[] = {{"Dune", 1965}, {"Neuromancer", 1948}, {"Hyperion", 1989}, {"Solaris", 1961}, {"Ubik", 1969}};
const Row kMovies[] = {{"Alien", 1979}, {"Gattaca", 1997}, {"Arrival", 2016}, {"Stalker", 1979}, {"Moon", 2009}};

// The listing's `db` is a module global; here the connection is passed along.
Coro execute(Database& db, std::string sql, List args) {
  PoolJob& job = db.execute(std::move(sql), std::move(args));
  co_return co_await at(job, 16);
}

Coro create_tables(Database& db) {
  co_await task_group(24, [&db](TaskGroup& tg) -> Coro {
    tg.create_task(execute(db, "CREATE TABLE books (title TEXT PRIMARY KEY, year INT)", {}).named("create books"), 25);
    tg.create_task(execute(db, "CREATE TABLE movies (title TEXT PRIMARY KEY, year INT)", {}).named("create movies"), 26);
    co_return {};
  });
  print(27, "startup: tables created");
  co_return {};
}

Coro create(Database& db, std::string table, Row row) {
  Coro op = execute(db, "INSERT INTO " + table + " VALUES (?, ?)", {Value(row.title), Value(row.year)});
  at_line(31);
  co_await op;
  co_return {};
}

Coro read_all(Database& db, std::string table) {
  Coro op = execute(db, "SELECT title, year FROM " + table + " ORDER BY title", {});
  at_line(35);
  Value rows = co_await op;
  std::string out;
  for (const Value& r : rows.list())
    out += (out.empty() ? "" : ", ") + r.list()[0].str_text() + " (" + r.list()[1].repr() + ")";
  co_return out;
}

Coro update(Database& db, std::string table, std::string title, int year) {
  Coro op = execute(db, "UPDATE " + table + " SET year = ? WHERE title = ?", {Value(year), Value(title)});
  at_line(40);
  co_await op;
  co_return {};
}

Coro remove(Database& db, std::string table, std::string title) {
  Coro op = execute(db, "DELETE FROM " + table + " WHERE title = ?", {Value(title)});
  at_line(44);
  co_await op;
  co_return {};
}

Coro sqlite_api_main(const Params& p) {
  Database& db = sqlite_connect(":memory:");
  Coro startup = create_tables(db);
  at_line(48);
  co_await startup;
  std::vector<Awaitable> inserts;
  auto post = [&](const char* table, const Row& row) {
    inserts.emplace_back(create(db, table, row).named(std::string("insert ") + row.title));
  };
  for (int i = 0; i < p.integer("rows"); ++i) post("books", kBooks[i]);
  for (int i = 0; i < p.integer("rows"); ++i) post("movies", kMovies[i]);
  const size_t n = inserts.size();
  co_await at(gather_list(std::move(inserts), false), 51);
  print(52, "POST: " + std::to_string(n) + " rows inserted");
  GatheringFuture& reads = gather(read_all(db, "books"), read_all(db, "movies"));
  Value both = co_await at(reads, 53);
  print(54, "GET /books: " + both.list()[0].str());
  print(55, "GET /movies: " + both.list()[1].str());
  GatheringFuture& changes = gather(update(db, "books", "Neuromancer", 1984), remove(db, "movies", "Alien"));
  co_await at(changes, 56);
  GatheringFuture& rereads = gather(read_all(db, "books"), read_all(db, "movies"));
  both = co_await at(rereads, 57);
  print(58, "after PUT and DELETE: " + both.list()[0].str() + " | " + both.list()[1].str());
  co_return {};
}

}  // namespace

Scenario scenario_sqlite_api() {
  Scenario s;
  s.id = "sqlite-api";
  s.title = "SQLite CRUD through the thread pool";
  s.lesson =
      "Every sqlite3 call blocks, so, as aiosqlite does, each one runs on a pool worker and the loop stays free. "
      "A TaskGroup creates both tables at start-up; then inserts, reads, an update and a delete are fired "
      "together with gather. The one connection takes one call at a time: the requests queue for it, in order.";
  s.listing = kListing;
  s.params = {integer_param("rows", "3", 1, 5, "books and movies to insert (each)")};
  s.main = sqlite_api_main;
  return s;
}

}  // namespace loopscope
