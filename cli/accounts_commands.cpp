#include "cli/accounts_commands.hpp"

#include "accounts/admin.hpp"
#include "schema/database.hpp"

#include <termios.h>
#include <unistd.h>

#include <iomanip>
#include <iostream>
#include <string>

namespace inspel::cli {

const char* const accounts_usage =
    R"(  inspel user add NAME --role admin|official|elected [--password-stdin] [--config FILE] [--data DIR]
  inspel user list    [--config FILE] [--data DIR]
  inspel user disable NAME [--config FILE] [--data DIR]
  inspel token create NAME [--config FILE] [--data DIR]    prints the token once
  inspel token list   [--config FILE] [--data DIR]
  inspel token revoke ID-OR-PREFIX [--config FILE] [--data DIR]
)";

namespace {

// One line from the terminal with echo off, so the password is never shown or kept in scrollback.
std::string read_hidden(const char* prompt) {
    std::cerr << prompt << std::flush;
    termios old{};
    bool restore = tcgetattr(STDIN_FILENO, &old) == 0;
    if (restore) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    bool got = static_cast<bool>(std::getline(std::cin, line));
    if (restore) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    std::cerr << "\n";
    if (!got) throw usage_error("no password given");
    return line;
}

std::string read_password(const args& a) {
    if (a.switches.count("--password-stdin")) {
        std::string line;
        if (!std::getline(std::cin, line)) throw usage_error("--password-stdin: no line on standard input");
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
    }
    if (!isatty(STDIN_FILENO))
        throw usage_error("standard input is not a terminal: give the password on one line with --password-stdin");
    std::string first = read_hidden("Password: ");
    std::string again = read_hidden("Repeat the password: ");
    if (first != again) throw usage_error("the two passwords differ");
    return first;
}

const std::string& only_positional(const args& a, const std::string& what) {
    if (a.positional.size() != 2) throw usage_error("expected " + what + " (see inspel --help)");
    return a.positional[1];
}

int refused(const accounts::refusal& r) {
    std::cerr << "inspel: " << r.message << "\n";
    return 1;
}

void expect_no_role(const args& a) {
    if (a.values.count("--role")) throw usage_error("--role belongs to 'inspel user add'");
    if (a.switches.count("--password-stdin")) throw usage_error("--password-stdin belongs to 'inspel user add'");
}

int user_command(const args& a, schema::database& db) {
    const std::string& sub = a.positional.empty() ? std::string() : a.positional[0];
    if (sub == "add") {
        const std::string& name = only_positional(a, "inspel user add NAME --role ROLE");
        if (!a.values.count("--role")) throw usage_error("inspel user add needs --role admin|official|elected");
        auto u = accounts::admin::add_user(db, name, a.values.at("--role"), read_password(a));
        if (!u) return refused(u.error());
        std::cout << "added user " << u->username << " (" << accounts::to_string(u->role) << ")\n";
        return 0;
    }
    expect_no_role(a);
    if (sub == "list") {
        if (a.positional.size() != 1) throw usage_error("inspel user list takes no names");
        std::cout << std::left << std::setw(24) << "USERNAME" << std::setw(10) << "ROLE" << std::setw(26) << "CREATED"
                  << "DISABLED\n";
        for (const auto& u : accounts::admin::list_users(db))
            std::cout << std::setw(24) << u.username << std::setw(10) << accounts::to_string(u.role) << std::setw(26)
                      << u.created_at << u.disabled_at.value_or("-") << "\n";
        return 0;
    }
    if (sub == "disable") {
        auto u = accounts::admin::disable_user(db, only_positional(a, "inspel user disable NAME"));
        if (!u) return refused(u.error());
        std::cout << "disabled user " << u->username << "; its sessions ended and its tokens were revoked\n";
        return 0;
    }
    throw usage_error("unknown command 'user " + sub + "' (see inspel --help)");
}

int token_command(const args& a, schema::database& db) {
    expect_no_role(a);
    const std::string& sub = a.positional.empty() ? std::string() : a.positional[0];
    if (sub == "create") {
        auto t = accounts::admin::create_token(db, only_positional(a, "inspel token create NAME"));
        if (!t) return refused(t.error());
        // The token alone on stdout, so TOKEN=$(inspel token create ...) works; the rest to stderr.
        std::cerr << "API token " << t->token.prefix << " (id " << t->token.id << ") for " << t->token.username
                  << ". It is shown only now: keep it somewhere safe.\n";
        std::cout << t->secret << "\n";
        return 0;
    }
    if (sub == "list") {
        if (a.positional.size() != 1) throw usage_error("inspel token list takes no names");
        std::cout << std::left << std::setw(6) << "ID" << std::setw(18) << "PREFIX" << std::setw(24) << "USER"
                  << std::setw(26) << "CREATED" << std::setw(26) << "LAST USED" << "REVOKED\n";
        for (const auto& t : accounts::admin::list_tokens(db))
            std::cout << std::setw(6) << t.id << std::setw(18) << t.prefix << std::setw(24) << t.username
                      << std::setw(26) << t.created_at << std::setw(26) << t.last_used_at.value_or("-")
                      << t.revoked_at.value_or("-") << "\n";
        return 0;
    }
    if (sub == "revoke") {
        auto t = accounts::admin::revoke_token(db, only_positional(a, "inspel token revoke ID-OR-PREFIX"));
        if (!t) return refused(t.error());
        std::cout << "revoked API token " << t->prefix << " (id " << t->id << ") of " << t->username << "\n";
        return 0;
    }
    throw usage_error("unknown command 'token " + sub + "' (see inspel --help)");
}

}  // namespace

int accounts_command(const std::string& command, const args& a, const config::settings& settings) {
    if (a.positional.empty()) throw usage_error("inspel " + command + " needs a command (see inspel --help)");
    config::prepare_data_dir(settings);
    schema::database db(settings.data_dir);
    return command == "user" ? user_command(a, db) : token_command(a, db);
}

}  // namespace inspel::cli
