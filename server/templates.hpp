// HTML pages come from mustache templates in server/templates/, compiled into the binary.
// Mustache escapes every {{value}} by default; the only unescaped insertion ({{{content}}}) is
// the layout taking an already-rendered page. Pages are never built by string concatenation.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace inspel::server {

// Renders templates/NAME.mustache with `view`, inside templates/layout.mustache.
// The view may carry "title" and "lang" (default "sv") for the layout.
std::string render_page(std::string_view name, const nlohmann::json& view);

// Renders one template alone (no layout).
std::string render_fragment(std::string_view name, const nlohmann::json& view);

// A static file (CSS, the small scripts): its text, or nullptr when unknown.
const std::string_view* static_file(std::string_view name);

}  // namespace inspel::server
