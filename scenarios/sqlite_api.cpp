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
    return await asyncio.to_thread(run_sql, sql, args)  # @to_thread


BOOKS = [("Dune", 1965), ("Neuromancer", 1948), ("Hyperion", 1989), ("Solaris", 1961), ("Ubik", 1969)]
MOVIES = [("Alien", 1979), ("Gattaca", 1997), ("Arrival", 2016), ("Stalker", 1979), ("Moon", 2009)]


async def create_tables():
    async with asyncio.TaskGroup() as tg:  # @task_group
        tg.create_task(execute("CREATE TABLE books (title TEXT PRIMARY KEY, year INT)"))  # @create_books
        tg.create_task(execute("CREATE TABLE movies (title TEXT PRIMARY KEY, year INT)"))  # @create_movies
    print("startup: tables created")  # @tables_created


async def create(table, title, year):
    await execute(f"INSERT INTO {table} VALUES (?, ?)", title, year)  # @insert


async def read_all(table):
    rows = await execute(f"SELECT title, year FROM {table} ORDER BY title")  # @select
    return ", ".join(f"{title} ({year})" for title, year in rows)


async def update(table, title, year):
    await execute(f"UPDATE {table} SET year = ? WHERE title = ?", year, title)  # @update


async def delete(table, title):
    await execute(f"DELETE FROM {table} WHERE title = ?", title)  # @remove


async def main():
    await create_tables()  # @create_tables
    inserts = [create("books", *b) for b in BOOKS[:${rows}]]
    inserts += [create("movies", *m) for m in MOVIES[:${rows}]]
    await asyncio.gather(*inserts)  # @gather_inserts
    print(f"POST: {len(inserts)} rows inserted")  # @inserted
    books, movies = await asyncio.gather(read_all("books"), read_all("movies"))  # @gather_reads
    print(f"GET /books: {books}")  # @print_books
    print(f"GET /movies: {movies}")  # @print_movies
    await asyncio.gather(update("books", "Neuromancer", 1984), delete("movies", "Alien"))  # @gather_changes
    books, movies = await asyncio.gather(read_all("books"), read_all("movies"))  # @gather_rereads
    print(f"after PUT and DELETE: {books} | {movies}")  # @print_after


asyncio.run(main())
)PY";

// The listing's marked lines (`# @name`), resolved when the scenario is registered.
struct Lines {
  int to_thread, task_group, create_books, create_movies, tables_created, insert, select, update, remove,
      create_tables, gather_inserts, inserted, gather_reads, print_books, print_movies, gather_changes, gather_rereads,
      print_after;
} L;

struct Row {
  const char* title;
  int year;
};
const Row kBooks[] = {{"Dune", 1965}, {"Neuromancer", 1948}, {"Hyperion", 1989}, {"Solaris", 1961}, {"Ubik", 1969}};
const Row kMovies[] = {{"Alien", 1979}, {"Gattaca", 1997}, {"Arrival", 2016}, {"Stalker", 1979}, {"Moon", 2009}};

// The listing's `db` is a module global; here the connection is passed along.
Coroutine execute(Database& db, std::string sql, List args) {
  PoolJob& job = db.execute(std::move(sql), std::move(args));
  co_return co_await at(job, L.to_thread);
}

Coroutine create_tables(Database& db) {
  co_await task_group(L.task_group, [&db](TaskGroup& tg) -> Coroutine {
    tg.create_task(execute(db, "CREATE TABLE books (title TEXT PRIMARY KEY, year INT)", {}).named("create books"), L.create_books);
    tg.create_task(execute(db, "CREATE TABLE movies (title TEXT PRIMARY KEY, year INT)", {}).named("create movies"), L.create_movies);
    co_return {};
  });
  print(L.tables_created, "startup: tables created");
  co_return {};
}

Coroutine create(Database& db, std::string table, Row row) {
  Coroutine op = execute(db, "INSERT INTO " + table + " VALUES (?, ?)", {Value(row.title), Value(row.year)});
  at_line(L.insert);
  co_await op;
  co_return {};
}

Coroutine read_all(Database& db, std::string table) {
  Coroutine op = execute(db, "SELECT title, year FROM " + table + " ORDER BY title", {});
  at_line(L.select);
  Value rows = co_await op;
  std::string out;
  for (const Value& r : rows.list())
    out += (out.empty() ? "" : ", ") + r.list()[0].str_text() + " (" + r.list()[1].repr() + ")";
  co_return out;
}

Coroutine update(Database& db, std::string table, std::string title, int year) {
  Coroutine op = execute(db, "UPDATE " + table + " SET year = ? WHERE title = ?", {Value(year), Value(title)});
  at_line(L.update);
  co_await op;
  co_return {};
}

Coroutine remove(Database& db, std::string table, std::string title) {
  Coroutine op = execute(db, "DELETE FROM " + table + " WHERE title = ?", {Value(title)});
  at_line(L.remove);
  co_await op;
  co_return {};
}

Coroutine sqlite_api_main(const Params& p) {
  Database& db = sqlite_connect(":memory:");
  Coroutine startup = create_tables(db);
  at_line(L.create_tables);
  co_await startup;
  std::vector<Awaitable> inserts;
  auto post = [&](const char* table, const Row& row) {
    inserts.emplace_back(create(db, table, row).named(std::string("insert ") + row.title));
  };
  for (int i = 0; i < p.integer("rows"); ++i) post("books", kBooks[i]);
  for (int i = 0; i < p.integer("rows"); ++i) post("movies", kMovies[i]);
  const size_t n = inserts.size();
  co_await at(gather_list(std::move(inserts), false), L.gather_inserts);
  print(L.inserted, "POST: " + std::to_string(n) + " rows inserted");
  GatheringFuture& reads = gather(read_all(db, "books"), read_all(db, "movies"));
  Value both = co_await at(reads, L.gather_reads);
  print(L.print_books, "GET /books: " + both.list()[0].str());
  print(L.print_movies, "GET /movies: " + both.list()[1].str());
  GatheringFuture& changes = gather(update(db, "books", "Neuromancer", 1984), remove(db, "movies", "Alien"));
  co_await at(changes, L.gather_changes);
  GatheringFuture& rereads = gather(read_all(db, "books"), read_all(db, "movies"));
  both = co_await at(rereads, L.gather_rereads);
  print(L.print_after, "after PUT and DELETE: " + both.list()[0].str() + " | " + both.list()[1].str());
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
  Listing listing("sqlite-api", kListing);
  L = {.to_thread = listing.line("to_thread"), .task_group = listing.line("task_group"),
      .create_books = listing.line("create_books"), .create_movies = listing.line("create_movies"),
      .tables_created = listing.line("tables_created"), .insert = listing.line("insert"),
      .select = listing.line("select"), .update = listing.line("update"), .remove = listing.line("remove"),
      .create_tables = listing.line("create_tables"), .gather_inserts = listing.line("gather_inserts"),
      .inserted = listing.line("inserted"), .gather_reads = listing.line("gather_reads"),
      .print_books = listing.line("print_books"), .print_movies = listing.line("print_movies"),
      .gather_changes = listing.line("gather_changes"), .gather_rereads = listing.line("gather_rereads"),
      .print_after = listing.line("print_after")};
  s.listing = listing.text();
  s.params = {integer_param("rows", "3", 1, 5, "books and movies to insert (each)")};
  s.main = sqlite_api_main;
  return s;
}

}  // namespace loopscope
