#include "export/export.hpp"

#include "common/log.hpp"
#include "dialogue/store/store.hpp"
#include "export/csv.hpp"
#include "export/json_text.hpp"
#include "export/writers.hpp"
#include "export/xlsx.hpp"
#include "inspel/version.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

namespace inspel::exporting {

namespace fs = std::filesystem;
using nlohmann::json;

std::string_view to_string(audience a) { return a == audience::internal ? "internal" : "public"; }

std::optional<unsigned> parse_file_set(std::string_view list) {
    unsigned set = 0;
    while (!list.empty()) {
        auto comma = list.find(',');
        auto name = list.substr(0, comma);
        if (name == "report") set |= report_file;
        else if (name == "csv") set |= csv_file;
        else if (name == "xlsx") set |= xlsx_file;
        else if (name == "json") set |= json_file;
        else return std::nullopt;
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    if (set == 0) return std::nullopt;
    return set;
}

namespace {

// One sheet of items of a kind, continued on a new sheet when Excel's row limit is reached.
struct kind_sheet {
    std::string kind, name;
    std::vector<std::string> header;
    std::vector<double> widths;
    xlsx_workbook::sheet* sheet = nullptr;
    std::uint32_t row = 0;
    int part = 1;
};
constexpr std::uint32_t excel_max_rows = 1'048'576;

// A routing score as the CSV shows it: four decimals.
void append_score(std::string& out, const std::optional<double>& s) {
    if (!s) return;
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, *s, std::chars_format::fixed, 4);
    out.append(buf, r.ptr);
}

template <class Strings>
std::string_view joined(std::string& out, const Strings& v, std::string_view sep) {
    out.clear();
    for (const auto& s : v) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out;
}

// The value of `question` in an item's answers, as text.
std::string answer_of(const json& answers, const std::string& question) {
    if (!answers.is_array()) return {};
    for (const auto& a : answers)
        if (a.is_object() && a.value("question", "") == question && a.contains("value")) return answer_text(a["value"]);
    return {};
}

std::string_view bit(bool b) { return b ? "1" : "0"; }

// True when the calling thread runs below normal priority: a nice value above 0 (the nightly thread
// sets 10 on itself) or an idle or batch scheduling policy.
bool lowered_priority() {
    errno = 0;
    int nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
    bool niced = errno == 0 && nice > 0;
    int policy = ::sched_getscheduler(0);
    return niced || policy == SCHED_IDLE || policy == SCHED_BATCH;
}

class item_files {
public:
    item_files(const fs::path& dir, const compilation& comp, const json& summary, dialogue::day date, unsigned files,
               bool threads, const std::function<void(std::string_view)>& before)
        : comp_(comp), internal_(comp.who == audience::internal) {
        if (files & csv_file) {
            if (before) before("items.csv");
            csv_file_ = std::make_unique<output_file>(dir / "items.csv", threads);
            csv_ = std::make_unique<csv_writer>(*csv_file_);
            csv_->row(csv_header());
        }
        if (files & xlsx_file) open_xlsx(dir, summary, date, before);
        if (files & json_file) {
            if (before) before("results.json");
            json_file_ = std::make_unique<output_file>(dir / "results.json", threads);
            write_json_head(summary);
        }
    }

    // One item into every file, in one pass: its stored answers are made canonical once and feed
    // both the CSV and the JSON; both lines are written straight from the row, no object in between.
    void add(const item_row& row) {
        answers_.clear();
        if (!row.answers.empty()) json_text::append_canonical(answers_, row.answers);
        if (csv_) write_csv(row);
        if (book_) write_xlsx(row);
        if (json_file_) write_json(row);
    }

    bool wants_free_text() const { return json_file_ != nullptr; }

    // Free-text answers come before the items in results.json.
    void free_text(const std::string& question, std::int64_t item, const std::string& text) {
        line_.assign(first_answer_ ? "\n{\"item\":" : ",\n{\"item\":");
        first_answer_ = false;
        json_text::append_number(line_, item);
        line_ += ",\"question\":";
        json_text::append_string(line_, question);
        line_ += ",\"text\":";
        json_text::append_string(line_, text);
        line_ += '}';
        json_file_->write(line_);
    }
    void end_free_text() {
        if (json_file_) json_file_->write("\n],\n\"items\": [");
    }

    void close() {
        if (json_file_) {
            json_file_->write("\n]\n}\n");
            json_file_->close();
        }
        if (csv_file_) csv_file_->close();
        if (book_) book_->close();
    }

    // The sizes and checksums of the files written, known from writing them (the XLSX, which
    // libxlsxwriter writes, is read back).
    void digests(const fs::path& dir, std::map<std::string, file_digest, std::less<>>& out) const {
        if (csv_file_) out["items.csv"] = csv_file_->digest();
        if (book_) out["items.xlsx"] = digest(dir / "items.xlsx");
        if (json_file_) out["results.json"] = json_file_->digest();
    }

private:
    void open_xlsx(const fs::path& dir, const json& summary, dialogue::day date,
                   const std::function<void(std::string_view)>& before) {
        if (before) before("items.xlsx");
        const auto& d = comp_.dialogue->record;
        std::chrono::sys_seconds created{std::chrono::sys_days(date).time_since_epoch()};
        book_ = std::make_unique<xlsx_workbook>(dir / "items.xlsx", dir, "Sammanställning: " + d.title, created);
        write_summary_sheet(book_->add_sheet("Sammanfattning"), summary);
        for (auto k : kinds) {
            kind_sheet ks;
            ks.kind = std::string(k);
            ks.name = std::string(kind_label_plural(k));
            sheet_columns(ks);
            start_sheet(ks);
            sheets_.push_back(std::move(ks));
        }
    }

    std::vector<std::string> csv_header() const {
        if (internal_)
            return {"id",           "kind",           "feedback_type",   "received_at",   "area",
                    "language",     "status",         "title",           "text",          "answers",
                    "consent_publish", "routing_outcome", "routing_action", "routing_score", "awaiting_review",
                    "duplicate_of", "tags",           "personal_data_redacted", "has_contact"};
        return {"id",    "kind",    "feedback_type",   "received_on",    "area",           "language",
                "title", "text",    "answers",         "routing_outcome", "routing_action", "awaiting_review",
                "duplicate_of", "tags"};
    }

    void write_csv(const item_row& r) {
        auto& c = *csv_;
        scratch_.clear();
        json_text::append_number(scratch_, r.id);
        c.field(scratch_, true);
        c.field(r.kind);
        c.field(r.feedback_type);
        c.field(r.received_at);
        c.field(r.area);
        c.field(r.language);
        if (internal_) c.field(r.status);
        c.field(r.title);
        c.field(r.text);
        c.field(answers_ == "null" ? std::string_view() : std::string_view(answers_));
        if (internal_) c.field(bit(r.consent_publish), true);
        c.field(r.routing_outcome);
        c.field(r.routing_action);
        if (internal_) {
            scratch_.clear();
            append_score(scratch_, r.routing_score);
            c.field(scratch_, true);
        }
        c.field(bit(r.awaiting_review()), true);
        scratch_.clear();
        if (r.duplicate_of) json_text::append_number(scratch_, *r.duplicate_of);
        c.field(scratch_, true);
        c.field(joined(scratch_, r.tags, "; "));
        if (internal_) {
            c.field(joined(scratch_, r.personal_data, "; "));
            c.field(bit(r.has_contact));
        }
        c.end_row();
    }

    // An item of results.json with the fields its audience may see, keys sorted (as nlohmann's
    // objects, which wrote the rest of the file, sort them).
    void write_json(const item_row& r) {
        std::string& j = line_;
        j.assign(first_item_ ? "\n" : ",\n");
        first_item_ = false;
        auto text_or_null = [&](std::string_view s) {
            if (s.empty()) j += "null";
            else json_text::append_string(j, s);
        };
        auto strings = [&](const auto& list) {
            j += '[';
            bool first = true;
            for (const auto& s : list) {
                if (!first) j += ',';
                first = false;
                json_text::append_string(j, s);
            }
            j += ']';
        };
        j += "{\"answers\":";
        j += answers_.empty() ? std::string_view("null") : std::string_view(answers_);
        j += ",\"area\":";
        text_or_null(r.area);
        if (internal_) j += r.consent_publish ? ",\"consent_publish\":true" : ",\"consent_publish\":false";
        j += ",\"duplicate_of\":";
        if (r.duplicate_of) json_text::append_number(j, *r.duplicate_of);
        else j += "null";
        j += ",\"feedback_type\":";
        text_or_null(r.feedback_type);
        if (internal_) j += r.has_contact ? ",\"has_contact\":true" : ",\"has_contact\":false";
        j += ",\"id\":";
        json_text::append_number(j, r.id);
        j += ",\"kind\":";
        json_text::append_string(j, r.kind);
        j += ",\"language\":";
        json_text::append_string(j, r.language);
        if (internal_) {
            j += ",\"personal_data_redacted\":";
            strings(r.personal_data);
        }
        j += internal_ ? ",\"received_at\":" : ",\"received_on\":";
        json_text::append_string(j, r.received_at);
        j += ",\"routing\":{\"action\":";
        text_or_null(r.routing_action);
        j += r.awaiting_review() ? ",\"awaiting_review\":true" : ",\"awaiting_review\":false";
        j += ",\"outcome\":";
        text_or_null(r.routing_outcome);
        if (internal_) {
            j += ",\"score\":";
            if (r.routing_score) json_text::append_number(j, *r.routing_score);
            else j += "null";
        }
        j += '}';
        if (internal_) {
            j += ",\"status\":";
            json_text::append_string(j, r.status);
        }
        j += ",\"tags\":";
        strings(r.tags);
        j += ",\"text\":";
        text_or_null(r.text);
        j += ",\"title\":";
        text_or_null(r.title);
        j += '}';
        json_file_->write(j);
    }

    void sheet_columns(kind_sheet& ks) const {
        auto add = [&](std::string name, double width) {
            ks.header.push_back(std::move(name));
            ks.widths.push_back(width);
        };
        add("Nr", 8);
        add(internal_ ? "Mottagen (UTC)" : "Mottagen", internal_ ? 24 : 12);
        add("Område", 14);
        add("Språk", 7);
        if (ks.kind == "feedback") add("Typ", 10);
        if (ks.kind == "panel_response") {
            for (const auto& q : comp_.dialogue->record.questions) add(q.text, 30);
        } else {
            add("Rubrik", 30);
            add("Text", 80);
        }
        add("Bedömning", 18);
        add("Hantering", 26);
        add("Taggar", 20);
        add("Dubblett av", 10);
        if (internal_) {
            add("Status", 16);
            add("Publicering medgiven", 12);
            add("Kontaktuppgift finns", 12);
            add("Borttagna personuppgifter", 18);
            add("Poäng", 8);
        }
    }

    void start_sheet(kind_sheet& ks) {
        std::string name = ks.part == 1 ? ks.name : ks.name + " (" + std::to_string(ks.part) + ")";
        ks.sheet = &book_->add_sheet(name);
        ks.sheet->header(ks.header, ks.widths);
        ks.row = 1;
    }

    void write_xlsx(const item_row& r) {
        auto it = std::find_if(sheets_.begin(), sheets_.end(), [&](const kind_sheet& k) { return k.kind == r.kind; });
        if (it == sheets_.end()) return;  // the CHECK constraint allows no other kind
        kind_sheet& ks = *it;
        if (ks.row == excel_max_rows) {
            ++ks.part;
            start_sheet(ks);
        }
        auto& s = *ks.sheet;
        std::uint16_t col = 0;
        std::uint32_t row = ks.row++;
        s.number(row, col++, static_cast<double>(r.id));
        s.text(row, col++, r.received_at);
        s.text(row, col++, r.area);
        s.text(row, col++, r.language);
        if (r.kind == "feedback") s.text(row, col++, feedback_type_label(r.feedback_type));
        if (r.kind == "panel_response") {
            json answers = r.parsed_answers();
            for (const auto& q : comp_.dialogue->record.questions) s.text(row, col++, answer_of(answers, q.id));
        } else {
            s.text(row, col++, r.title);
            s.text(row, col++, r.text);
        }
        s.text(row, col++, routing_label(r.routing_outcome));
        s.text(row, col++, r.routing_outcome == "outside_purpose" ? action_label(r.routing_action) : "");
        s.text(row, col++, joined(scratch_, r.tags, "; "));
        if (r.duplicate_of) s.number(row, col, static_cast<double>(*r.duplicate_of));
        ++col;
        if (internal_) {
            s.text(row, col++, status_label(r.status));
            s.text(row, col++, r.consent_publish ? "Ja" : "Nej");
            s.text(row, col++, r.has_contact ? "Ja" : "Nej");
            s.text(row, col++, joined(scratch_, r.personal_data, ", "));
            if (r.routing_score) s.number(row, col, *r.routing_score);
        }
    }

    void write_summary_sheet(xlsx_workbook::sheet& s, const json& summary) {
        s.header({"Uppgift", "Värde", "Antal"}, {44, 80, 10});
        std::uint32_t row = 1;
        auto line = [&](std::string_view label, std::string_view value) {
            s.text(row, 0, label);
            s.text(row, 1, value);
            ++row;
        };
        auto counted = [&](std::string_view label, std::string_view value, std::int64_t n) {
            s.text(row, 0, label);
            s.text(row, 1, value);
            s.number(row, 2, static_cast<double>(n));
            ++row;
        };
        auto section = [&](std::string_view title) {
            ++row;
            s.bold(row++, 0, title);
        };
        const json& d = summary["dialogue"];
        line("Dialog", d.value("title", ""));
        line("Sammanställningens datum", summary["date"].get<std::string>());
        line("Version", internal_ ? "Intern (tjänstepersoner och förtroendevalda)" : "Publik (publicering medgiven)");
        line("Syfte", d.value("purpose", ""));
        if (d.contains("decision")) {
            const json& dec = d["decision"];
            line("Beslut om uppdrag", dec.value("body", "") + ", " + dec.value("date", "") + ", " +
                                          dec.value("paragraph", "") + ", " + dec.value("registry_number", ""));
        }
        line("Påverkansnivå", summary["influence"].value("name", ""));
        const json& p = summary["participation"];
        section("Deltagande");
        counted("Inkomna totalt", "", p["total_received"].get<std::int64_t>());
        counted("I den här sammanställningen", "", p["items"].get<std::int64_t>());
        for (const auto& k : p["by_kind"]) counted("Slag", k["label"].get<std::string>(), k["count"].get<std::int64_t>());
        for (const auto& a : p["by_area"])
            counted("Område", a["area"].is_null() ? "Inget område angivet" : a["area"].get<std::string>(),
                    a["count"].get<std::int64_t>());
        section("Bedömning mot syftet");
        counted("Inom syftet", "", summary["in_purpose"]["count"].get<std::int64_t>());
        for (const auto& t : summary["in_purpose"]["by_tag"])
            counted("Inom syftet, tagg", t["tag"].get<std::string>(), t["count"].get<std::int64_t>());
        counted("Inom syftet, utan tagg", "", summary["in_purpose"]["untagged"].get<std::int64_t>());
        counted("Utanför syftet", "", summary["outside_purpose"]["count"].get<std::int64_t>());
        for (const auto& a : summary["outside_purpose"]["by_action"])
            counted("Utanför syftet, hantering", a["label"].get<std::string>(), a["count"].get<std::int64_t>());
        counted("Väntar på granskning", "", summary["awaiting_review"]["count"].get<std::int64_t>());
        const json& panel = summary["panel"];
        section("Frågepanelen");
        counted("Svar i frågepanelen", "", panel["responses"].get<std::int64_t>());
        for (const auto& q : panel["questions"]) {
            counted(q["text"].get<std::string>(), "Besvarad av", q["answered"].get<std::int64_t>());
            for (const auto& o : q["options"])
                counted("", o["option"].is_string() ? o["option"].get<std::string>() : o["option"].dump(),
                        o["count"].get<std::int64_t>());
        }
    }

    void write_json_head(const json& summary) {
        // The summary's keys first (sorted, each on a line), then the two streamed lists.
        json_file_->write("{");
        bool first = true;
        for (const auto& [key, value] : summary.items()) {
            json_file_->write(first ? "\n" : ",\n");
            first = false;
            json_file_->write(json(key).dump() + ": " + value.dump(-1, ' ', false, json::error_handler_t::replace));
        }
        json_file_->write(",\n\"free_text_answers\": [");
    }

    const compilation& comp_;
    bool internal_;
    std::unique_ptr<output_file> csv_file_, json_file_;
    std::unique_ptr<csv_writer> csv_;
    std::unique_ptr<xlsx_workbook> book_;
    std::vector<kind_sheet> sheets_;
    bool first_item_ = true, first_answer_ = true;
    std::string answers_, line_, scratch_;  // reused for every item: no allocation per row
};

json manifest_json(const compilation& comp, dialogue::day date,
                   const std::map<std::string, file_digest, std::less<>>& digests) {
    json files = json::array();
    for (auto name : file_names) {
        auto d = digests.find(name);
        if (d == digests.end()) continue;
        files.push_back({{"name", name}, {"bytes", d->second.bytes}, {"sha256", d->second.sha256}});
    }
    const auto& s = *comp.dialogue;
    return {{"manifest_version", 1},
            {"generator", {{"name", "inspel"}, {"version", inspel::version}}},
            {"audience", to_string(comp.who)},
            {"date", dialogue::format_day(date)},
            {"dialogue",
             {{"id", s.id}, {"slug", s.record.slug}, {"title", s.record.title},
              {"state", dialogue::to_string(s.record.state)}}},
            {"high_water_mark", comp.high_water_mark},
            {"items", comp.items},
            {"results_schema_version", results_schema_version},
            {"files", files}};
}

exported write_one(schema::connection& c, const dialogue::store::stored& d, const options& o,
                   const compilation& comp) {
    exported out;
    out.slug = d.record.slug;
    fs::path slug_dir = o.out_dir / d.record.slug;
    out.folder = slug_dir / dialogue::format_day(o.date);
    out.high_water_mark = comp.high_water_mark;
    fs::path tmp = make_temp_folder(out.folder);
    // Run in the background (the nightly thread, `nice inspel export`), the export keeps to the one
    // thread it runs on; otherwise writer threads hash and write while it formats.
    const bool threads = !lowered_priority();
    try {
        json summary = summary_json(comp, o.date);
        std::map<std::string, file_digest, std::less<>> digests;

        if (o.files & report_file) {
            if (o.before_file) o.before_file("report.html");
            output_file report(tmp / "report.html", threads);
            write_report(report, c, comp, summary, o.list_limit);
            report.close();
            digests["report.html"] = report.digest();
        }

        if (o.files & (csv_file | xlsx_file | json_file)) {
            item_files files(tmp, comp, summary, o.date, o.files, threads, o.before_file);
            if (files.wants_free_text())
                for (const auto& q : d.record.questions)
                    if (q.type == dialogue::question_type::free_text)
                        for_each_free_text(c, comp, q.id, 0, [&](std::int64_t item, const std::string& text) {
                            files.free_text(q.id, item, text);
                        });
            files.end_free_text();
            for_each_item(c, comp, [&](const item_row& row) { files.add(row); });
            files.close();
            files.digests(tmp, digests);
        }

        if (o.before_file) o.before_file(manifest_name);
        write_file(tmp / manifest_name, manifest_json(comp, o.date, digests).dump(2) + "\n");
        publish_folder(tmp, out.folder);
        out.written = true;
        out.items = comp.items;
    } catch (...) {
        std::error_code ec;
        fs::remove_all(tmp, ec);
        throw;
    }
    return out;
}

// Rolls the read transaction back however the run ends; a read-only one has nothing to undo.
struct read_transaction {
    explicit read_transaction(schema::connection& c) : c(c) { c.exec("BEGIN"); }
    ~read_transaction() {
        try {
            c.exec("ROLLBACK");
        } catch (...) {
        }
    }
    schema::connection& c;
};

}  // namespace

std::vector<exported> run(schema::connection& c, const options& o) {
    read_transaction snapshot(c);
    std::vector<dialogue::store::stored> chosen;
    if (o.only) {
        auto found = dialogue::store::find(c, *o.only);
        if (!found) throw unknown_dialogue("there is no dialogue \"" + *o.only + "\"");
        chosen.push_back(std::move(*found));
    } else {
        for (auto& s : dialogue::store::list(c))
            if (static_cast<int>(s.record.state) >= static_cast<int>(dialogue::dialogue_state::execution))
                chosen.push_back(std::move(s));
        std::sort(chosen.begin(), chosen.end(),
                  [](const auto& a, const auto& b) { return a.record.slug < b.record.slug; });
    }
    std::vector<exported> done;
    for (const auto& d : chosen) {
        fs::path slug_dir = o.out_dir / d.record.slug;
        remove_stale_temp_folders(slug_dir);
        // The counts and the high-water mark come from one pass over the items; an unchanged dialogue
        // costs that pass and nothing more.
        compilation comp = compile(c, d, o.who, o.files & report_file ? o.list_limit : 0);
        if (o.only_changed) {
            auto latest = latest_manifest(slug_dir);
            if (latest && latest->value("high_water_mark", json()) == comp.high_water_mark &&
                latest->value(json::json_pointer("/generator/version"), std::string()) == inspel::version) {
                exported same;
                same.slug = d.record.slug;
                same.folder = slug_dir / latest->value("date", "");
                same.high_water_mark = comp.high_water_mark;
                same.items = latest->value("items", std::int64_t{0});
                done.push_back(std::move(same));
                continue;
            }
        }
        done.push_back(write_one(c, d, o, comp));
        log::info("export.written", {{"dialogue", d.record.slug},
                                     {"audience", to_string(o.who)},
                                     {"date", dialogue::format_day(o.date)},
                                     {"items", done.back().items}});
    }
    return done;
}

}  // namespace inspel::exporting
