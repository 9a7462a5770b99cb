// `inspel export --data DIR --out DIR [--dialogue SLUG] [--date YYYY-MM-DD] [--public] [--files LIST]`:
// the nightly compilation by hand (export/export.hpp), for every dialogue in execution or later, or
// for one; --files writes only some of the files (the benchmark times the machine-readable ones alone).
#pragma once

#include "cli/args.hpp"
#include "config/config.hpp"

namespace inspel::cli {

inline constexpr const char* export_usage =
    "  inspel export  --out DIR [--dialogue SLUG] [--date YYYY-MM-DD] [--public] [--files report,csv,xlsx,json]\n"
    "                 [--config FILE] [--data DIR]   compile dialogues' results into DIR/SLUG/DATE/\n";

// Returns the exit status; a bad flag is a usage_error.
int export_command(const args& a, const config::settings& settings);

}  // namespace inspel::cli
