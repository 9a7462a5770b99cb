// `inspel retention [--dry-run]`: the retention rule for residents' personal data, on demand.
#pragma once

#include "cli/args.hpp"
#include "config/config.hpp"

namespace inspel::cli {

inline constexpr const char* retention_usage =
    "  inspel retention [--dry-run] [--config FILE] [--data DIR]   remove contact data past its retention time\n";

int retention_command(const args& a, const config::settings& settings);

}  // namespace inspel::cli
