#include "server/handlers/operations.hpp"

#include "server/templates.hpp"

namespace inspel::server::handlers {

void add_operations_routes(router& r, metrics& stats, schema::database& db, search::index& idx) {
    r.add(http::verb::get, "/healthz",
          sync_handler([](const request_context&) { return json_response(http::status::ok, {{"status", "ok"}}); }),
          runs_on::io);

    // Touches the database, so it runs on a worker.
    r.add(http::verb::get, "/readyz", sync_handler([&db, &idx](const request_context&) {
              bool database = db.ready(), index = idx.ready();
              nlohmann::json body = {{"status", database && index ? "ready" : "not_ready"},
                                     {"database", database ? "ok" : "unavailable"},
                                     {"index", index ? "ok" : "unavailable"}};
              return json_response(database && index ? http::status::ok : http::status::service_unavailable, body);
          }));

    stats.add_gauge("inspel_db_commits_total", "Group commits of the database writer.", "counter",
                    [&db] { return static_cast<double>(db.commits()); });
    stats.add_gauge("inspel_db_jobs_committed_total", "Writes committed by the database writer.", "counter",
                    [&db] { return static_cast<double>(db.jobs_committed()); });
    stats.add_gauge("inspel_index_commits_total", "Commits of the search indexer.", "counter",
                    [&idx] { return static_cast<double>(idx.commits()); });
    stats.add_gauge("inspel_index_outbox_backlog", "Changes committed but not yet searchable.", "gauge",
                    [&idx] { return static_cast<double>(idx.outbox_backlog()); });
    stats.add_gauge("inspel_index_documents", "Items in the search index.", "gauge",
                    [&idx] { return static_cast<double>(idx.documents()); });
    r.add(http::verb::get, "/metrics", sync_handler([&stats](const request_context&) {
              return text_response(http::status::ok, stats.render(), "text/plain; version=0.0.4; charset=utf-8");
          }));

    r.add(http::verb::get, "/static/{file}", sync_handler([](const request_context& ctx) {
              const std::string& name = ctx.param("file");
              const std::string_view* text = static_file(name);
              if (!text) return error_response(ctx.target(), http::status::not_found, "not_found", "No such file.");
              std::string_view type = name.ends_with(".css") ? "text/css; charset=utf-8"
                                      : name.ends_with(".js") ? "text/javascript; charset=utf-8"
                                                              : "application/octet-stream";
              auto res = text_response(http::status::ok, std::string(*text), type);
              res.set(http::field::cache_control, "public, max-age=3600");
              res.set("X-Content-Type-Options", "nosniff");
              return res;
          }),
          runs_on::io);
}

}  // namespace inspel::server::handlers
