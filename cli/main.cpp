// inspel: the command line. Each command composes the parts it needs and nothing more.
#include "cli/accounts_commands.hpp"
#include "cli/args.hpp"
#include "cli/dialogue_commands.hpp"
#include "cli/export_command.hpp"
#include "cli/workspace_commands.hpp"
#include "common/log.hpp"
#include "config/config.hpp"
#include "inspel/version.hpp"
#include "schema/database.hpp"
#include "search/index.hpp"
#include "server/app.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>

namespace {

using namespace inspel;

constexpr const char* usage_text = R"(Inspel: intake, search and routing of residents' input for a municipality.

Usage:
  inspel serve   [--config FILE] [--listen HOST:PORT] [--data DIR]
  inspel migrate [--config FILE] [--data DIR]
  inspel reindex [--config FILE] [--data DIR]     rebuild the search index (server stopped)
  inspel dialogue import FILE.json [--config FILE] [--data DIR]   load a dialogue (once per slug)
  inspel retention [--dry-run] [--config FILE] [--data DIR]   remove contact data past its retention time
%s  inspel --help | --version

Settings come from built-in defaults, then the config file (--config, or INSPEL_CONFIG),
then INSPEL_* environment variables, then flags; later ones win. See config/inspel.example.toml.

Exit status: 0 success, 1 failure while running, 2 bad usage or bad settings.
)";

// Reads the settings for a command: flags name a config key through `flag_keys`.
config::settings load_settings(const cli::args& a) {
    config::sources from;
    from.environment = config::inspel_environment();
    if (a.values.count("--config"))
        from.file = a.values.at("--config");
    else if (auto it = from.environment.find("INSPEL_CONFIG"); it != from.environment.end())
        from.file = it->second;
    for (const auto& doc : config::documentation())
        if (!doc.flag.empty() && a.values.count(doc.flag)) from.flags[doc.key] = a.values.at(doc.flag);
    return config::load(from);
}

int serve(const cli::args& a) {
    config::settings s = load_settings(a);
    server::app service(s);  // config_error (exit 2) or a failure to open the data (exit 1)
    service.listen();
    service.run();
    return 0;
}

int migrate(const cli::args& a) {
    config::settings s = load_settings(a);
    config::prepare_data_dir(s);
    auto r = schema::migrate(s.data_dir);
    if (r.from == r.to)
        std::cout << "database " << schema::database_file(s.data_dir).string() << " is up to date (version " << r.to
                  << ")\n";
    else
        std::cout << "database " << schema::database_file(s.data_dir).string() << " migrated from version " << r.from
                  << " to " << r.to << "\n";
    return 0;
}

int reindex(const cli::args& a) {
    config::settings s = load_settings(a);
    config::prepare_data_dir(s);
    schema::database db(s.data_dir);
    auto start = std::chrono::steady_clock::now();
    auto n = search::rebuild(s.data_dir, db);
    auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "indexed " << n << " items in " << took << " s\n";
    return 0;
}

// The usage text with the commands of each part filled in.
std::string usage() {
    std::string text = usage_text;
    text.replace(text.find("%s"), 2, std::string(cli::accounts_usage) + cli::export_usage);
    return text;
}

int run(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << usage();
        return 2;
    }
    std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << usage();
        return 0;
    }
    if (command == "--version") {
        std::cout << "inspel " << inspel::version << "\n";
        return 0;
    }
    if (command == "serve") return serve(cli::parse(argc, argv, 2, {"--config", "--listen", "--data"}, {}));
    if (command == "migrate") return migrate(cli::parse(argc, argv, 2, {"--config", "--data"}, {}));
    if (command == "reindex") return reindex(cli::parse(argc, argv, 2, {"--config", "--data"}, {}));
    if (command == "dialogue") {
        auto a = cli::parse(argc, argv, 2, {"--config", "--data"}, {});
        return cli::dialogue_command(a, load_settings(a));
    }
    if (command == "retention") {
        auto a = cli::parse(argc, argv, 2, {"--config", "--data"}, {"--dry-run"});
        return cli::retention_command(a, load_settings(a));
    }
    if (command == "export") {
        auto a = cli::parse(argc, argv, 2, {"--config", "--data", "--out", "--dialogue", "--date", "--files"},
                             {"--public"});
        return cli::export_command(a, load_settings(a));
    }
    if (command == "user" || command == "token") {
        auto a = cli::parse(argc, argv, 2, cli::accounts_flags_with_value, cli::accounts_switches);
        return cli::accounts_command(command, a, load_settings(a));
    }
    throw cli::usage_error("unknown command '" + command + "' (see inspel --help)");
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const cli::usage_error& e) {
        std::cerr << "inspel: " << e.what() << "\n";
        return 2;
    } catch (const config::config_error& e) {
        std::cerr << "inspel: config error: " << e.what() << "\n";
        return 2;
    } catch (const schema::newer_database_error& e) {
        std::cerr << "inspel: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "inspel: " << e.what() << "\n";
        return 1;
    }
}
