#include "cli/export_command.hpp"

#include "export/export.hpp"
#include "export/schedule.hpp"
#include "schema/database.hpp"

#include <iostream>

namespace inspel::cli {

int export_command(const args& a, const config::settings& settings) {
    if (!a.positional.empty()) throw usage_error("inspel export takes no arguments besides its flags (see inspel --help)");
    if (!a.values.count("--out")) throw usage_error("inspel export needs --out DIR");
    exporting::options o;
    o.out_dir = a.values.at("--out");
    if (o.out_dir.empty()) throw usage_error("--out must not be empty");
    o.who = a.switches.count("--public") ? exporting::audience::publication : exporting::audience::internal;
    if (a.values.count("--dialogue")) o.only = a.values.at("--dialogue");
    if (a.values.count("--files")) {
        auto set = exporting::parse_file_set(a.values.at("--files"));
        if (!set) throw usage_error("--files '" + a.values.at("--files") + "' is not a list of report, csv, xlsx, json");
        o.files = *set;
    }
    if (a.values.count("--date")) {
        auto d = dialogue::parse_day(a.values.at("--date"));
        if (!d) throw usage_error("--date '" + a.values.at("--date") + "' is not a date YYYY-MM-DD");
        o.date = *d;
    } else {
        try {
            o.date = exporting::time_zone(settings.export_time_zone).local_day(std::chrono::system_clock::now());
        } catch (const std::invalid_argument& e) {
            throw config::config_error("export.time_zone", e.what());
        }
    }
    if (!std::filesystem::exists(schema::database_file(settings.data_dir))) {
        std::cerr << "inspel: there is no database in " << settings.data_dir.string() << "\n";
        return 1;
    }
    // Brings an older database up to date (a no-op when it is), then reads it without writing.
    schema::migrate(settings.data_dir);
    schema::connection c(schema::database_file(settings.data_dir), schema::connection::mode::read_only);
    std::filesystem::create_directories(o.out_dir);
    std::vector<exporting::exported> done;
    try {
        done = exporting::run(c, o);
    } catch (const exporting::unknown_dialogue& e) {
        std::cerr << "inspel: " << e.what() << "\n";
        return 1;
    }
    if (done.empty()) std::cout << "no dialogue in execution or later: nothing to export\n";
    for (const auto& e : done)
        std::cout << "exported " << e.slug << " (" << e.items << " items, " << exporting::to_string(o.who) << ") to "
                  << e.folder.string() << "\n";
    return 0;
}

}  // namespace inspel::cli
