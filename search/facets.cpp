#include "search/facets.hpp"

#include "search/terms.hpp"

#include <mutex>

namespace inspel::search {

void facet_table::load(const Xapian::Database& db) {
    std::unique_lock lock(mutex_);
    rows_.clear();
    rows_.reserve(db.get_lastdocid() + 1);
    for (auto it = db.valuestream_begin(slot::facets); it != db.valuestream_end(slot::facets); ++it)
        set(it.get_docid(), *it);
}

void facet_table::update(const std::vector<std::pair<Xapian::docid, std::string>>& documents) {
    std::unique_lock lock(mutex_);
    for (const auto& [id, value] : documents) set(id, value);
}

void facet_table::set(Xapian::docid id, std::string_view value) {
    if (rows_.size() <= id) rows_.resize(std::max<std::size_t>(id + 1, rows_.size() * 3 / 2));
    row& r = rows_[id];
    for (std::size_t f = 0; f < facet_field_count; ++f) {
        auto end = value.find('\x1f');
        r.fields[f] = intern(f, value.substr(0, end));
        value = end == std::string_view::npos ? std::string_view() : value.substr(end + 1);
    }
}

facet_table::code facet_table::intern(std::size_t field, std::string_view value) {
    if (value.empty()) return 0;
    auto& codes = codes_[field];
    std::string key(value);
    if (auto it = codes.find(key); it != codes.end()) return it->second;
    auto& values = values_[field];
    if (values.empty()) values.emplace_back();  // code 0
    values.push_back(key);
    code c = static_cast<code>(values.size() - 1);
    codes.emplace(std::move(key), c);
    return c;
}

facet_counts facet_table::count(const std::vector<Xapian::docid>& documents) const {
    std::shared_lock lock(mutex_);
    std::array<std::vector<std::uint64_t>, facet_field_count> by_code;
    for (std::size_t f = 0; f < facet_field_count; ++f) by_code[f].assign(values_[f].size(), 0);
    for (Xapian::docid id : documents) {
        if (id >= rows_.size()) continue;
        const row& r = rows_[id];
        for (std::size_t f = 0; f < facet_field_count; ++f)
            if (r.fields[f] != 0) ++by_code[f][r.fields[f]];
    }
    facet_counts out;
    for (std::size_t f = 0; f < facet_field_count; ++f) {
        for (code c = 1; c < by_code[f].size(); ++c) {
            std::uint64_t n = by_code[f][c];
            if (n == 0) continue;
            std::string_view v = values_[f][c];
            if (!facet_fields[f].multi) {
                out[f][std::string(v)] += n;
                continue;
            }
            // A multi-valued field was interned as its whole list ("a\nb\n"): each value counts.
            for (std::size_t nl; (nl = v.find('\n')) != std::string_view::npos; v.remove_prefix(nl + 1))
                if (nl > 0) out[f][std::string(v.substr(0, nl))] += n;
        }
    }
    return out;
}

}  // namespace inspel::search
