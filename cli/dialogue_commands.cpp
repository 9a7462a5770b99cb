#include "cli/dialogue_commands.hpp"

#include "dialogue/store/store.hpp"
#include "schema/database.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace inspel::cli {

namespace {

int import(const std::string& file, const config::settings& settings) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw usage_error("cannot read " + file);
    std::stringstream text;
    text << in.rdbuf();
    auto definition = nlohmann::json::parse(text.str(), nullptr, false);
    if (definition.is_discarded()) {
        std::cerr << "inspel: " << file << " is not valid JSON\n";
        return 1;
    }
    config::prepare_data_dir(settings);
    schema::database db(settings.data_dir);
    // The command line acts as the system with an administrator's rights; the audit row says so.
    dialogue::store::request who{"system", "admin", "", std::chrono::system_clock::now()};
    auto o = db.write_and_wait([&](schema::connection& c) { return dialogue::store::import(c, definition, who); });
    db.stop();
    if (o.result != dialogue::store::status::ok) {
        std::cerr << "inspel: " << file << " was not imported:\n";
        for (const auto& e : o.errors) std::cerr << "  " << (e.field.empty() ? "(dialogue)" : e.field) << ": " << e.message << "\n";
        return 1;
    }
    const auto& d = o.value->record;
    if (o.changed)
        std::cout << "imported dialogue " << d.slug << " (id " << o.value->id << ", state "
                  << dialogue::to_string(d.state) << ")\n";
    else
        std::cout << "dialogue " << d.slug << " is already present (id " << o.value->id << "); left unchanged\n";
    return 0;
}

}  // namespace

int dialogue_command(const args& a, const config::settings& settings) {
    if (a.positional.size() == 2 && a.positional[0] == "import") return import(a.positional[1], settings);
    throw usage_error("usage: inspel dialogue import FILE.json [--config FILE] [--data DIR]");
}

}  // namespace inspel::cli
