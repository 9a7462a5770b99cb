// The pieces each file is made of, shared between export.cpp (which streams the items) and
// report.cpp (which renders the compilation for people).
#pragma once

#include "export/compilation.hpp"
#include "export/files.hpp"

namespace inspel::exporting {

// Everything of results.json except the streamed lists (free-text answers and items): the dialogue,
// its timeline, participation, the frågepanel, the groups and the high-water mark.
nlohmann::json summary_json(const compilation& comp, dialogue::day date);

// report.html: the summary rendered for a council committee, with at most `list_limit` items per group.
void write_report(output_file& out, schema::connection& c, const compilation& comp, const nlohmann::json& summary,
                  std::size_t list_limit);

}  // namespace inspel::exporting
