#include "workspace/tags.hpp"

#include "accounts/audit.hpp"

#include <algorithm>

namespace inspel::workspace {
namespace {

using json = nlohmann::json;

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

std::size_t utf8_length(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char ch) {
        return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    }));
}

bool same_name(const std::string& a, const std::string& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y)); });
}

std::variant<std::vector<std::string>, problem> names_of(const json& list, const char* field) {
    std::vector<std::string> out;
    if (list.is_null()) return out;
    if (!list.is_array()) return problem{field, std::string(field) + " must be a list of tag names"};
    for (const auto& item : list) {
        if (!item.is_string()) return problem{field, std::string(field) + " must be a list of tag names"};
        auto n = normalise_tag(item.get<std::string>());
        if (auto* p = std::get_if<problem>(&n)) return problem{field, p->message};
        auto name = std::get<std::string>(n);
        if (std::none_of(out.begin(), out.end(), [&](const std::string& o) { return same_name(o, name); }))
            out.push_back(std::move(name));
    }
    return out;
}

json as_json_array(const std::vector<std::string>& v) { return json(v); }

}  // namespace

std::variant<std::string, problem> normalise_tag(std::string_view typed) {
    std::string out;
    bool space = false;
    for (char ch : typed) {
        auto c = static_cast<unsigned char>(ch);
        if (c == ' ' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (is_control(c)) return problem{"tag", "A tag name cannot contain line breaks or control characters."};
        if (space) out += ' ';
        space = false;
        out += ch;
    }
    if (out.empty()) return problem{"tag", "A tag name cannot be empty."};
    if (utf8_length(out) > max_tag_length)
        return problem{"tag", "A tag name has at most " + std::to_string(max_tag_length) + " characters."};
    return out;
}

std::variant<tag_change, problem> parse_tag_change(const json& add, const json& remove) {
    auto a = names_of(add, "add");
    if (auto* p = std::get_if<problem>(&a)) return *p;
    auto r = names_of(remove, "remove");
    if (auto* p = std::get_if<problem>(&r)) return *p;
    tag_change ch{std::get<0>(std::move(a)), std::get<0>(std::move(r))};
    for (const auto& n : ch.add)
        if (std::any_of(ch.remove.begin(), ch.remove.end(), [&](const std::string& m) { return same_name(n, m); }))
            return problem{"remove", "'" + n + "' is both added and removed."};
    return ch;
}

outcome apply_tags(schema::connection& c, const std::vector<std::int64_t>& ids, const tag_change& change,
                   const actor& who, const std::string& now) {
    outcome o;
    if (ids.empty() || change.empty()) return o;
    c.exec(
        "CREATE TEMP TABLE IF NOT EXISTS ws_ids (id INTEGER PRIMARY KEY);"
        "CREATE TEMP TABLE IF NOT EXISTS ws_changed (id INTEGER PRIMARY KEY);"
        "CREATE TEMP TABLE IF NOT EXISTS ws_add (name TEXT PRIMARY KEY COLLATE NOCASE);"
        "CREATE TEMP TABLE IF NOT EXISTS ws_remove (name TEXT PRIMARY KEY COLLATE NOCASE);"
        "DELETE FROM ws_ids; DELETE FROM ws_changed; DELETE FROM ws_add; DELETE FROM ws_remove;");
    c.prepare("INSERT OR IGNORE INTO ws_ids (id) SELECT value FROM json_each(?) "
              "WHERE EXISTS (SELECT 1 FROM submissions s WHERE s.id = value)")
        .bind(1, json(ids).dump())
        .run();
    c.prepare("INSERT OR IGNORE INTO ws_add (name) SELECT value FROM json_each(?)").bind(1, as_json_array(change.add).dump()).run();
    c.prepare("INSERT OR IGNORE INTO ws_remove (name) SELECT value FROM json_each(?)")
        .bind(1, as_json_array(change.remove).dump())
        .run();

    // The items that will change: they lack a name to add, or carry a name to remove.
    c.exec(R"(
        INSERT INTO ws_changed (id)
        SELECT i.id FROM ws_ids i
        WHERE EXISTS (SELECT 1 FROM ws_add a WHERE NOT EXISTS (
                  SELECT 1 FROM submission_tags st JOIN tags t ON t.id = st.tag_id
                  WHERE st.submission_id = i.id AND t.name = a.name))
           OR EXISTS (SELECT 1 FROM submission_tags st JOIN tags t ON t.id = st.tag_id
                      JOIN ws_remove r ON r.name = t.name
                      WHERE st.submission_id = i.id))");
    o.changed = static_cast<std::uint64_t>(c.changes());
    if (o.changed == 0) return o;

    // A shared tag for each added name that some item has no dialogue tag for.
    c.prepare(R"(
        INSERT INTO tags (name, dialogue_id, created_by, created_at)
        SELECT a.name, NULL, ?1, ?2 FROM ws_add a
        WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.dialogue_id IS NULL AND t.name = a.name)
          AND EXISTS (SELECT 1 FROM ws_changed i JOIN submissions s ON s.id = i.id
                      WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.dialogue_id = s.dialogue_id AND t.name = a.name)))")
        .bind(1, who.username)
        .bind(2, now)
        .run();
    c.prepare(R"(
        INSERT INTO submission_tags (submission_id, tag_id, added_by, added_at)
        SELECT i.id,
               coalesce((SELECT t.id FROM tags t WHERE t.dialogue_id = s.dialogue_id AND t.name = a.name),
                        (SELECT t.id FROM tags t WHERE t.dialogue_id IS NULL AND t.name = a.name)),
               ?1, ?2
        FROM ws_changed i JOIN submissions s ON s.id = i.id, ws_add a
        WHERE NOT EXISTS (SELECT 1 FROM submission_tags st JOIN tags t ON t.id = st.tag_id
                          WHERE st.submission_id = i.id AND t.name = a.name))")
        .bind(1, who.username)
        .bind(2, now)
        .run();
    c.exec(R"(
        DELETE FROM submission_tags
        WHERE submission_id IN (SELECT id FROM ws_changed)
          AND tag_id IN (SELECT t.id FROM tags t JOIN ws_remove r ON r.name = t.name))");
    c.prepare("UPDATE submissions SET updated_at = ? WHERE id IN (SELECT id FROM ws_changed)").bind(1, now).run();
    c.prepare("INSERT INTO index_outbox (submission_id, enqueued_at) SELECT id, ? FROM ws_changed ORDER BY id")
        .bind(1, now)
        .run();
    // One audit row per item, as accounts::append_audit writes it, but set-based.
    json details = {{"added", change.add}, {"removed", change.remove}};
    if (ids.size() > 1) details["bulk"] = true;
    c.prepare(R"(
        INSERT INTO audit_log (actor, action, object_type, object_id, details, client_address)
        SELECT ?1, 'submission.tag', 'submission', CAST(id AS TEXT), ?2, ?3 FROM ws_changed ORDER BY id)")
        .bind(1, who.username)
        .bind(2, details.dump())
        .bind(3, who.client_address)
        .run();
    return o;
}

std::vector<std::string> tags_of(schema::connection& c, std::int64_t id) {
    std::vector<std::string> out;
    auto st = c.prepare(
        "SELECT t.name FROM submission_tags st JOIN tags t ON t.id = st.tag_id WHERE st.submission_id = ? "
        "ORDER BY t.name COLLATE NOCASE");
    st.bind(1, id);
    while (st.step()) out.push_back(st.text(0));
    return out;
}

json vocabulary(schema::connection& c, const std::optional<std::string>& dialogue) {
    auto st = c.prepare(R"(
        SELECT t.id, t.name, d.slug, (SELECT count(*) FROM submission_tags st WHERE st.tag_id = t.id)
        FROM tags t LEFT JOIN dialogues d ON d.id = t.dialogue_id
        WHERE t.dialogue_id IS NULL OR d.slug = ?
        ORDER BY t.dialogue_id IS NOT NULL DESC, t.name COLLATE NOCASE)");
    st.bind(1, dialogue);
    json out = json::array();
    while (st.step())
        out.push_back({{"id", st.int64(0)},
                       {"name", st.text(1)},
                       {"dialogue", st.is_null(2) ? json(nullptr) : json(st.text(2))},
                       {"items", st.int64(3)}});
    return out;
}

outcome create_tag(schema::connection& c, const std::string& typed, const std::optional<std::string>& dialogue,
                   const actor& who, const std::string& now) {
    auto n = normalise_tag(typed);
    if (auto* p = std::get_if<problem>(&n)) return outcome::fail(result_code::invalid, "name", p->message);
    std::string name = std::get<std::string>(n);
    std::optional<std::int64_t> dialogue_id;
    if (dialogue) {
        auto d = c.prepare("SELECT id FROM dialogues WHERE slug = ?");
        d.bind(1, *dialogue);
        if (!d.step()) return outcome::fail(result_code::invalid, "dialogue", "There is no dialogue '" + *dialogue + "'.");
        dialogue_id = d.int64(0);
    }
    auto exists = c.prepare("SELECT 1 FROM tags WHERE coalesce(dialogue_id, 0) = coalesce(?, 0) AND name = ?");
    exists.bind(1, dialogue_id).bind(2, name);
    if (exists.step()) return outcome::fail(result_code::conflict, "name", "The tag '" + name + "' already exists there.");
    c.prepare("INSERT INTO tags (name, dialogue_id, created_by, created_at) VALUES (?, ?, ?, ?)")
        .bind(1, name)
        .bind(2, dialogue_id)
        .bind(3, who.username)
        .bind(4, now)
        .run();
    outcome o;
    o.id = c.last_insert_rowid();
    o.changed = 1;
    accounts::append_audit(c, {who.username, "tag.create", "tag", std::to_string(o.id),
                               {{"name", name}, {"dialogue", dialogue ? json(*dialogue) : json(nullptr)}},
                               who.client_address});
    return o;
}

}  // namespace inspel::workspace
