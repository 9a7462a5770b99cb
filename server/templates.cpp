#include "server/templates.hpp"

#include <kainjow/mustache.hpp>

#include <map>
#include <mutex>
#include <stdexcept>

namespace inspel::server {
namespace templates {
const std::map<std::string, std::string_view, std::less<>>& embedded_files();
}
namespace statics {
const std::map<std::string, std::string_view, std::less<>>& embedded_files();
}

namespace {

namespace mustache = kainjow::mustache;

mustache::data to_data(const nlohmann::json& j) {
    switch (j.type()) {
        case nlohmann::json::value_t::object: {
            mustache::data d{mustache::data::type::object};
            for (const auto& [k, v] : j.items()) d.set(k, to_data(v));
            return d;
        }
        case nlohmann::json::value_t::array: {
            mustache::data d{mustache::data::type::list};
            for (const auto& v : j) d.push_back(to_data(v));
            return d;
        }
        case nlohmann::json::value_t::string:
            return mustache::data(j.get<std::string>());
        case nlohmann::json::value_t::boolean:
            return j.get<bool>() ? mustache::data(mustache::data::type::bool_true)
                                 : mustache::data(mustache::data::type::bool_false);
        case nlohmann::json::value_t::number_integer:
        case nlohmann::json::value_t::number_unsigned:
            return mustache::data(std::to_string(j.get<long long>()));
        case nlohmann::json::value_t::number_float:
            return mustache::data(j.dump());
        default:
            return mustache::data(mustache::data::type::bool_false);
    }
}

std::string source_of(std::string_view name) {
    const auto& files = templates::embedded_files();
    auto it = files.find(std::string(name) + ".mustache");
    if (it == files.end()) throw std::logic_error("no template " + std::string(name));
    return std::string(it->second);
}

// Parsed templates are immutable once built, so threads share them.
const mustache::mustache& compiled(std::string_view name) {
    static std::mutex m;
    static std::map<std::string, std::unique_ptr<mustache::mustache>, std::less<>> cache;
    std::lock_guard lock(m);
    auto it = cache.find(name);
    if (it == cache.end()) {
        auto t = std::make_unique<mustache::mustache>(source_of(name));
        if (!t->is_valid()) throw std::logic_error("template " + std::string(name) + ": " + t->error_message());
        it = cache.emplace(std::string(name), std::move(t)).first;
    }
    return *it->second;
}

// Partials ({{> name}}) resolve to other embedded templates. kainjow looks partials up among the
// view's keys, so only the names some template actually includes are added: a template named
// "error" must not make every {{#error}} section true.
const std::map<std::string, std::string>& partials() {
    static const std::map<std::string, std::string> found = [] {
        std::map<std::string, std::string> m;
        const auto& files = templates::embedded_files();
        for (const auto& [file, text] : files) {
            for (std::size_t at = text.find("{{>"); at != std::string_view::npos; at = text.find("{{>", at + 3)) {
                auto end = text.find("}}", at);
                if (end == std::string_view::npos) break;
                std::string name(text.substr(at + 3, end - at - 3));
                name.erase(0, name.find_first_not_of(' '));
                name.erase(name.find_last_not_of(' ') + 1);
                auto src = files.find(name + ".mustache");
                if (src == files.end()) throw std::logic_error(file + " includes a missing partial " + name);
                m.emplace(name, std::string(src->second));
            }
        }
        return m;
    }();
    return found;
}

mustache::data with_partials(mustache::data d) {
    for (const auto& [name, source] : partials()) {
        const std::string* text = &source;
        d.set(name, mustache::partial([text] { return *text; }));
    }
    return d;
}

std::string render(std::string_view name, const nlohmann::json& view) {
    // mustache::render is const but keeps error state; a copy per render keeps threads apart.
    mustache::mustache t = compiled(name);
    std::string out = t.render(with_partials(to_data(view)));
    if (!t.is_valid()) throw std::logic_error("template " + std::string(name) + ": " + t.error_message());
    return out;
}

}  // namespace

std::string render_fragment(std::string_view name, const nlohmann::json& view) { return render(name, view); }

std::string render_page(std::string_view name, const nlohmann::json& view) {
    nlohmann::json layout = view;
    layout["content"] = render(name, view);
    if (!layout.contains("lang")) layout["lang"] = "sv";
    layout["en"] = layout["lang"] == "en";
    return render("layout", layout);
}

const std::string_view* static_file(std::string_view name) {
    const auto& files = statics::embedded_files();
    auto it = files.find(name);
    return it == files.end() ? nullptr : &it->second;
}

}  // namespace inspel::server
