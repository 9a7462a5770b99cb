// The nightly compilations of a dialogue for officials and elected representatives: a page listing
// the latest export and the earlier ones (/official/dialogues/{slug}/export), and the files
// themselves (/official/dialogues/{slug}/export/{date}/{file}). Both need a signed-in user; the
// folder is the nightly's internal one (export.dir). What the files hold is export/'s business.
#pragma once

#include "schema/database.hpp"
#include "server/router.hpp"

#include <filesystem>

namespace inspel::server::handlers {

void add_export_routes(router& r, schema::database& db, std::filesystem::path export_dir);

}  // namespace inspel::server::handlers
