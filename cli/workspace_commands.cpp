#include "cli/workspace_commands.hpp"

#include "schema/database.hpp"
#include "workspace/personal_data.hpp"

#include <iostream>

namespace inspel::cli {

int retention_command(const args& a, const config::settings& settings) {
    if (!a.positional.empty()) throw usage_error("usage: " + std::string(retention_usage).substr(2));
    bool dry_run = a.switches.count("--dry-run") > 0;
    std::string rules;
    for (const auto& [kind, months] : settings.retention_months)
        if (months > 0) rules += (rules.empty() ? "" : ", ") + kind + " after " + std::to_string(months) + " months";
    if (rules.empty()) {
        std::cout << "no retention rule is set (retention.contact_months); nothing to do\n";
        return 0;
    }
    config::prepare_data_dir(settings);
    schema::database db(settings.data_dir);
    auto now = std::chrono::system_clock::now();
    // Ids, kinds and dates only: what this prints may end up in a terminal log.
    auto items = dry_run ? db.read([&](schema::connection& c) { return workspace::retention_due(c, settings.retention_months, now); })
                         : db.write_and_wait([&](schema::connection& c) {
                               return workspace::apply_retention(c, settings.retention_months, now);
                           });
    db.stop();
    std::cout << "retention rule: " << rules << "\n";
    std::cout << (dry_run ? "would anonymise " : "anonymised ") << items.size() << (items.size() == 1 ? " item" : " items")
              << (items.empty() ? "" : ":") << "\n";
    for (const auto& i : items)
        std::cout << "  " << i.id << "\t" << i.kind << "\treceived " << i.received_at
                  << (i.has_contact ? "\tcontact data" : "\tno contact data") << "\n";
    return 0;
}

}  // namespace inspel::cli
