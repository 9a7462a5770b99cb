// A thin RAII layer over the SQLite C API: a connection, prepared statements with typed
// binding, and transactions. Errors throw sqlite_error; nothing here knows Inspel's tables.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace inspel::schema {

struct sqlite_error : std::runtime_error {
    sqlite_error(int code, const std::string& what) : std::runtime_error(what), code(code) {}
    int code;
};

class statement;

class connection {
public:
    enum class mode { read_write, read_only };

    connection(const std::filesystem::path& file, mode m);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    connection(connection&& other) noexcept
        : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {}

    // Runs one or more statements that return no rows.
    void exec(std::string_view sql);
    statement prepare(std::string_view sql);
    // Like prepare, but compiles each distinct text once per connection and hands out the compiled
    // statement again, reset, when the returned object ends. For the SQL of hot paths (one item of
    // intake runs about ten statements; compiling them was a fifth of the writer's time). Only
    // for fixed SQL texts: each distinct text stays compiled for the connection's life.
    statement cached(std::string_view sql);
    std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
    int changes() const { return sqlite3_changes(db_); }
    sqlite3* handle() const { return db_; }

private:
    struct cached_statement {
        sqlite3_stmt* stmt = nullptr;
        bool in_use = false;
    };
    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, cached_statement> cache_;
};

class statement {
public:
    statement(sqlite3* db, std::string_view sql);
    ~statement();
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    statement(statement&& o) noexcept
        : db_(o.db_), stmt_(std::exchange(o.stmt_, nullptr)), borrowed_(std::exchange(o.borrowed_, nullptr)) {}

    // Binding is 1-based, as in SQLite. Returns *this so calls chain.
    statement& bind(int i, std::int64_t v);
    statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
    statement& bind(int i, double v);
    statement& bind(int i, std::string_view v);
    statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    statement& bind(int i, std::nullptr_t);
    template <class T>
    statement& bind(int i, const std::optional<T>& v) {
        return v ? bind(i, *v) : bind(i, nullptr);
    }

    // Steps once: true while a row is available.
    bool step();
    // Steps to completion, for statements that return no rows.
    void run();
    void reset();

    bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
    double real(int col) const { return sqlite3_column_double(stmt_, col); }
    std::string text(int col) const;
    // The text without a copy: a view of SQLite's own buffer, valid until the next step or reset.
    std::string_view view(int col) const;
    std::optional<std::string> optional_text(int col) const;

private:
    friend class connection;
    // A statement lent by connection::cached: handed back (reset) instead of finalized.
    statement(sqlite3* db, sqlite3_stmt* stmt, bool& in_use) : db_(db), stmt_(stmt), borrowed_(&in_use) {}

    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    bool* borrowed_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back by the destructor unless committed.
class transaction {
public:
    explicit transaction(connection& c) : c_(c) { c_.exec("BEGIN IMMEDIATE"); }
    ~transaction();
    void commit();
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;

private:
    connection& c_;
    bool done_ = false;
};

}  // namespace inspel::schema
