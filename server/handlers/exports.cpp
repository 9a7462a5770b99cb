#include "server/handlers/exports.hpp"

#include "dialogue/store/store.hpp"
#include "export/export.hpp"
#include "export/files.hpp"
#include "server/auth.hpp"
#include "server/templates.hpp"

#include <fstream>
#include <sstream>

namespace inspel::server::handlers {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string_view describe(std::string_view name) {
    if (name == "report.html") return "Rapporten att läsa och skriva ut";
    if (name == "items.csv") return "Alla bidrag som CSV (öppnas i Excel)";
    if (name == "items.xlsx") return "Alla bidrag i Excel, ett blad per slag och en sammanfattning";
    if (name == "results.json") return "Allt i rapporten och alla bidrag, maskinläsbart";
    if (name == "manifest.json") return "Filernas storlek och kontrollsummor (SHA-256)";
    return name;
}

std::string size_text(std::uint64_t bytes) {
    char buf[32];
    if (bytes < 1024) return std::to_string(bytes) + " B";
    if (bytes < 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f kB", static_cast<double>(bytes) / 1024);
    else std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    std::string s = buf;
    for (auto& ch : s)
        if (ch == '.') ch = ',';
    return s;
}

json files_view(const json& manifest, const std::string& base) {
    json files = json::array();
    auto add = [&](const std::string& name, std::uint64_t bytes, const std::string& sha) {
        files.push_back({{"name", name},
                         {"href", base + name},
                         {"description", describe(name)},
                         {"size", size_text(bytes)},
                         {"sha256", sha}});
    };
    if (manifest.contains("files") && manifest["files"].is_array())
        for (const auto& f : manifest["files"])
            if (f.is_object())
                add(f.value("name", ""), f.value("bytes", std::uint64_t{0}), f.value("sha256", ""));
    add("manifest.json", 0, "");
    files.back()["size"] = "";
    return files;
}

}  // namespace

void add_export_routes(router& r, schema::database& db, fs::path export_dir) {
    r.add(http::verb::get, "/official/dialogues/{slug}/export",
          sync_handler([&db, export_dir](const request_context& ctx) {
              auto found = db.read([&](schema::connection& c) { return dialogue::store::find(c, ctx.param("slug")); });
              if (!found)
                  return error_response(ctx.target(), http::status::not_found, "not_found", "Dialogen finns inte.");
              const std::string& slug = found->record.slug;
              auto folders = exporting::export_folders(export_dir / slug);
              json view = {{"title", "Sammanställningar: " + found->record.title},
                           {"heading", found->record.title},
                           {"slug", slug},
                           {"any", false}};
              json older = json::array();
              for (std::size_t i = 0; i < folders.size(); ++i) {
                  auto manifest = exporting::read_manifest(folders[i]);
                  if (!manifest) continue;
                  std::string date = folders[i].filename().string();
                  std::string base = "/official/dialogues/" + slug + "/export/" + date + "/";
                  if (!view["any"].get<bool>()) {
                      view["any"] = true;
                      view["latest"] = {{"date", date},
                                        {"items", manifest->value("items", std::int64_t{0})},
                                        {"report", base + "report.html"},
                                        {"files", files_view(*manifest, base)}};
                  } else {
                      older.push_back({{"date", date},
                                       {"items", manifest->value("items", std::int64_t{0})},
                                       {"report", base + "report.html"},
                                       {"xlsx", base + "items.xlsx"}});
                  }
              }
              view["older"] = older;
              view["has_older"] = !older.empty();
              return html_response(http::status::ok, render_page("official_export", page_view(ctx, view)));
          }),
          runs_on::worker, access::signed_in);

    r.add(http::verb::get, "/official/dialogues/{slug}/export/{date}/{file}",
          sync_handler([&db, export_dir](const request_context& ctx) {
              auto not_found = [&] {
                  return error_response(ctx.target(), http::status::not_found, "not_found",
                                        "Den sammanställningen finns inte.");
              };
              const std::string& date = ctx.param("date");
              const std::string& file = ctx.param("file");
              std::string_view type = exporting::media_type(file);
              if (type.empty() || !exporting::is_date_name(date)) return not_found();
              auto found = db.read([&](schema::connection& c) { return dialogue::store::find(c, ctx.param("slug")); });
              if (!found) return not_found();
              // The path is built from the stored slug, a checked date and a known file name only.
              fs::path path = export_dir / found->record.slug / date / file;
              std::ifstream in(path, std::ios::binary);
              if (!in) return not_found();
              std::ostringstream body;
              body << in.rdbuf();
              auto res = text_response(http::status::ok, body.str(), type);
              res.set(http::field::cache_control, "private, no-store");
              res.set("X-Content-Type-Options", "nosniff");
              if (file == "report.html") {
                  // The report carries its own stylesheet and no script: it may style itself, nothing more.
                  res.set("Content-Security-Policy",
                          "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                          "form-action 'none'; frame-ancestors 'none'; sandbox");
                  res.set("Referrer-Policy", "no-referrer");
              } else {
                  res.set(http::field::content_disposition,
                          "attachment; filename=\"" + found->record.slug + "-" + date + "-" + file + "\"");
              }
              return res;
          }),
          runs_on::worker, access::signed_in);
}

}  // namespace inspel::server::handlers
