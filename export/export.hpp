// The compiled results of a dialogue (Steg 6, sammanställning), written every night as files.
//
// What is written
// ---------------
// For each dialogue and date, one folder OUT/SLUG/DATE/ with five files:
//   report.html    the compilation as a council committee reads it: the commission (decision,
//                  purpose, influence level, target groups, timeline), participation by kind, area
//                  and target group, the frågepanel question by question with inline SVG charts,
//                  items within the purpose grouped by tag, items outside it counted by the handling
//                  the commission prescribed, items still awaiting review flagged. Self-contained (no
//                  script, no external resource) with a print stylesheet.
//   items.csv      RFC 4180, UTF-8 with a BOM (so Excel reads å ä ö), CRLF, one row per item.
//   items.xlsx     one sheet per kind of item and a summary sheet.
//   results.json   everything in the report, machine-readable, every item included; its schema is
//                  documented in docs/EXPORT_FORMAT.md and versioned by `schema_version`.
//   manifest.json  the other four files with their sizes and SHA-256, the dialogue, the audience,
//                  the data's high-water mark and the Inspel version.
//
// Which items
// -----------
// An item belongs to the dialogue it was routed to (routing_dialogue_id, when the triage put it in,
// outside or up for review of a dialogue), and otherwise to the dialogue it was sent through
// (dialogue_id): an item an official re-routes counts where it was re-routed. Within the purpose
// means routing_outcome = in_purpose; outside means outside_purpose, grouped by routing_action;
// awaiting review is needs_review or no decision yet.
//
// Two audiences. The internal compilation is for officials and elected representatives: every item
// of the dialogue, its status, its routing with score, and the kinds of personal data the redaction
// found. It holds redacted text only and no contact data: elected representatives read it too (the
// workspace shows contact data to officials only), the files get copied and archived, and the
// compilation's purpose (decision material) does not need to know who wrote what; answering the
// resident is the workspace's job, where access to contact data is audited. It does say whether an
// item left a way to be answered (has_contact), since "always feedback" is a principle to report on.
// The public compilation (--public) holds only items whose authors consented to publication and that
// were not rejected or hidden, redacted text only, the day of receipt without time, and no status,
// routing score or personal-data flags; every count in it is over that set, beside the total received.
//
// Safety
// ------
// Consistency: one read transaction on one connection covers the whole run (every dialogue, every
// query), so the files agree with each other and with one committed state of the database while
// intake goes on (WAL readers never block the writer).
// Atomicity: the files are written to OUT/SLUG/.DATE.tmp-N/, fsynced, and the folder is renamed into
// place (renameat2 RENAME_EXCHANGE when a folder for that date already exists, so there is never a
// moment without one); a crash leaves at most a hidden temporary folder, which readers ignore and the
// next run removes.
// Determinism: the same date and data give byte-identical files. Nothing reads the clock; rows are
// ordered by id, tags by name, groups by count then name; the XLSX carries a fixed creation time
// (the export date) and libxlsxwriter stamps zip entries with a fixed date.
// Memory: rows are streamed from SQLite into all writers at once (XLSX in constant-memory mode), so
// memory does not grow with the number of items; the report lists at most `list_limit` items per
// group and says where the rest are.
//
// Speed
// -----
// A large dialogue has a million items, and a pass over the submissions table costs what reading it
// costs, so a run makes two: compile() counts everything (kinds, areas, statuses, routing, tags, the
// frågepanel, the high-water mark) and notes the few ids the report lists and the responses that
// hold answers; then one pass streams every item into the CSV, XLSX and JSON writers. Tags come from
// a cursor over submission_tags merged in id order, not a subquery per item; the report and the
// free-text answers read rows by id. An item is read as views of SQLite's row and written directly:
// no nlohmann::json object per item (json_text.hpp writes the same bytes), stored answers copied when
// they already are in the written form. Files are hashed while written (sha256.hpp uses the SHA
// instructions where the processor has them) and written with O_DIRECT, past the page cache.
// Run at normal priority (`inspel export` by hand), writer threads hash and write while the export
// formats, and the export uses both cores. Run below it (the nightly thread at nice 10, or `nice
// inspel export`), everything stays on the one thread: measured on two cores, a background process
// busy on both cores cost intake a third of its throughput, one busy core a tenth to a fifth. The
// run's read transaction pins its snapshot, so the WAL grows while it runs (intake's checkpoints
// cannot pass it) and is checkpointed after: one more reason for the run to be short.
//
// The nightly run (nightly.hpp) exports every dialogue in execution or later whose high-water mark
// differs from the one in its latest export's manifest.
#pragma once

#include "dialogue/dialogue.hpp"
#include "schema/sqlite.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inspel::exporting {

enum class audience { internal, publication };
std::string_view to_string(audience a);  // "internal" | "public"

// The names of the files, in the order they are written; manifest.json comes last.
inline constexpr std::string_view file_names[] = {"report.html", "items.csv", "items.xlsx", "results.json"};
inline constexpr std::string_view manifest_name = "manifest.json";
inline constexpr int results_schema_version = 1;

// Which files to write (a bit each); the manifest is always written and lists those written.
enum file_set : unsigned { report_file = 1, csv_file = 2, xlsx_file = 4, json_file = 8, all_files = 15 };
// "report,csv,xlsx,json" (any of them, comma-separated) to a file_set; nullopt for anything else.
std::optional<unsigned> parse_file_set(std::string_view list);

struct options {
    std::filesystem::path out_dir;
    audience who = audience::internal;
    dialogue::day date;                 // the folder's name and the XLSX creation date
    std::optional<std::string> only;    // a slug: that dialogue alone, whatever its state
    bool only_changed = false;          // skip a dialogue whose latest export has the same high-water mark
    std::size_t list_limit = 100;       // items listed per group in report.html
    unsigned files = all_files;         // a file_set
    // Called before each file is written, with its name (tests inject crashes here).
    std::function<void(std::string_view file)> before_file;
};

struct exported {
    std::string slug;
    std::filesystem::path folder;       // OUT/SLUG/DATE
    bool written = false;               // false: unchanged since the latest export
    std::int64_t items = 0;             // items in this audience's compilation
    nlohmann::json high_water_mark;
};

struct unknown_dialogue : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Exports every dialogue in execution or later (or `o.only`) from one read transaction on `c`, a
// read-only connection. Throws unknown_dialogue for an `only` that does not exist, and on I/O errors
// (nothing half-written becomes visible).
std::vector<exported> run(schema::connection& c, const options& o);

}  // namespace inspel::exporting
