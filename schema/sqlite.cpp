#include "sqlite.hpp"

namespace inspel::schema {
namespace {

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view context) {
    std::string msg(context);
    msg += ": ";
    msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw sqlite_error(rc, msg);
}

}  // namespace

connection::connection(const std::filesystem::path& file, mode m) {
    int flags = SQLITE_OPEN_NOMUTEX | (m == mode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    int rc = sqlite3_open_v2(file.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = "cannot open " + file.string() + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw sqlite_error(rc, msg);
    }
    sqlite3_extended_result_codes(db_, 1);
    // Readers and the writer meet briefly on WAL checkpoints; wait rather than fail.
    sqlite3_busy_timeout(db_, 5000);
}

connection::~connection() {
    for (auto& [sql, entry] : cache_) sqlite3_finalize(entry.stmt);
    if (db_) sqlite3_close_v2(db_);
}

void connection::exec(std::string_view sql) {
    std::string s(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        throw sqlite_error(rc, msg);
    }
}

statement connection::prepare(std::string_view sql) { return statement(db_, sql); }

statement connection::cached(std::string_view sql) {
    auto found = cache_.find(std::string(sql));
    if (found == cache_.end()) {
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) fail(db_, rc, "prepare");
        found = cache_.emplace(std::string(sql), cached_statement{stmt, false}).first;
    }
    // The same text in use twice at once (a statement run inside another's loop) gets a copy.
    if (found->second.in_use) return prepare(sql);
    found->second.in_use = true;
    return statement(db_, found->second.stmt, found->second.in_use);
}

statement::statement(sqlite3* db, std::string_view sql) : db_(db) {
    int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
    if (rc != SQLITE_OK) fail(db, rc, "prepare");
}

statement::~statement() {
    if (!borrowed_) {
        sqlite3_finalize(stmt_);
        return;
    }
    // Reset now, so a cached read never holds its snapshot (or the WAL) open between uses.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *borrowed_ = false;
}

statement& statement::bind(int i, std::int64_t v) {
    if (int rc = sqlite3_bind_int64(stmt_, i, v); rc != SQLITE_OK) fail(db_, rc, "bind");
    return *this;
}

statement& statement::bind(int i, double v) {
    if (int rc = sqlite3_bind_double(stmt_, i, v); rc != SQLITE_OK) fail(db_, rc, "bind");
    return *this;
}

statement& statement::bind(int i, std::string_view v) {
    if (int rc = sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8); rc != SQLITE_OK)
        fail(db_, rc, "bind");
    return *this;
}

statement& statement::bind(int i, std::nullptr_t) {
    if (int rc = sqlite3_bind_null(stmt_, i); rc != SQLITE_OK) fail(db_, rc, "bind");
    return *this;
}

bool statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, rc, "step");
}

void statement::run() {
    while (step()) {
    }
}

void statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::string statement::text(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

std::string_view statement::view(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string_view();
}

std::optional<std::string> statement::optional_text(int col) const {
    if (is_null(col)) return std::nullopt;
    return text(col);
}

transaction::~transaction() {
    if (!done_) {
        try {
            c_.exec("ROLLBACK");
        } catch (...) {
            // The connection already rolled back (e.g. after SQLITE_FULL); nothing more to undo.
        }
    }
}

void transaction::commit() {
    c_.exec("COMMIT");
    done_ = true;
}

}  // namespace inspel::schema
