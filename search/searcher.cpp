#include "search/searcher.hpp"

#include "search/terms.hpp"

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

namespace inspel::search {
namespace {

// Facet counting examines at most this many matching documents. Past it, counts are estimates,
// and marked as such: exact counts over a match set of a million would cost far more than the
// search itself (docs/BENCHMARKS.md, Search).
constexpr Xapian::doccount facet_sample = 2000;
// A large match set is sampled in this many equal stretches of the index (which is in order of
// arrival), so that every period is represented, not just the oldest items. Each stretch is a pass
// of its own: 4 cost 0.6 ms of p99 at 1M items, 8 cost 1.5-4.5 ms (docs/BENCHMARKS.md, Search).
constexpr unsigned facet_strata = 4;

// The documents whose ids lie in [first, last]: one stretch of the index.
class docid_range : public Xapian::PostingSource {
public:
    docid_range(Xapian::docid first, Xapian::docid last) : first_(first), last_(last) {}
    void init(const Xapian::Database& db) override {
        current_ = 0;
        // Ids of deleted documents are in the range too; the bound must not exceed the database.
        size_ = std::min<Xapian::doccount>(last_ - first_ + 1, db.get_doccount());
    }
    Xapian::doccount get_termfreq_min() const override { return 0; }
    Xapian::doccount get_termfreq_est() const override { return size_; }
    Xapian::doccount get_termfreq_max() const override { return size_; }
    void next(double) override { current_ = current_ == 0 ? first_ : current_ + 1; }
    void skip_to(Xapian::docid did, double) override { current_ = std::max({current_, did, first_}); }
    bool at_end() const override { return current_ > last_; }
    Xapian::docid get_docid() const override { return current_; }
    std::string name() const override { return "inspel.docid_range"; }

private:
    Xapian::docid first_, last_, current_ = 0;
    Xapian::doccount size_ = 0;
};

// Up to `limit` matches of `query`, in index order: the cheapest way through a large match set.
// With no weights to compute and no order to keep, Xapian stops as soon as it has them.
std::vector<Xapian::docid> first_matches(Xapian::Database& db, const Xapian::Query& query, Xapian::doccount limit) {
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    Xapian::MSet found = enquire.get_mset(0, limit);
    std::vector<Xapian::docid> documents;
    documents.reserve(found.size());
    for (auto it = found.begin(); it != found.end(); ++it) documents.push_back(*it);
    return documents;
}

struct sampled_facets {
    std::array<std::map<std::string, double, std::less<>>, facet_field_count> counts;
    double total = 0;
    bool exact = true;
};

// Counts the facets of `query`'s matches: all of them when they are few (at most `upper_bound`,
// Xapian's bound on the match count), else a sample from each stretch of the index, each scaled by
// that stretch's estimated matches (how far into the stretch the sample reached).
sampled_facets sample_facets(Xapian::Database& db, const facet_table& facets, const Xapian::Query& query,
                             Xapian::doccount upper_bound) {
    sampled_facets out;
    auto add = [&](const std::vector<Xapian::docid>& documents, double scale) {
        facet_counts counts = facets.count(documents);
        for (std::size_t f = 0; f < facet_field_count; ++f)
            for (const auto& [value, n] : counts[f]) out.counts[f][value] += static_cast<double>(n) * scale;
    };
    if (upper_bound <= facet_sample) {
        auto documents = first_matches(db, query, facet_sample);
        out.total = static_cast<double>(documents.size());
        add(documents, 1.0);
        return out;
    }
    Xapian::docid last = db.get_lastdocid();
    for (unsigned s = 0; s < facet_strata; ++s) {
        auto from = static_cast<Xapian::docid>(1 + std::uint64_t(last) * s / facet_strata);
        auto to = static_cast<Xapian::docid>(std::uint64_t(last) * (s + 1) / facet_strata);
        if (to < from) continue;
        Xapian::Query stretch(Xapian::Query::OP_FILTER, query, Xapian::Query((new docid_range(from, to))->release()));
        auto documents = first_matches(db, stretch, facet_sample / facet_strata);
        double matches = static_cast<double>(documents.size());
        if (documents.size() == facet_sample / facet_strata) {
            // Stopped early: the rest of the stretch is taken to be as dense as the part seen.
            out.exact = false;
            matches *= static_cast<double>(to - from + 1) / static_cast<double>(documents.back() - from + 1);
        }
        out.total += matches;
        if (!documents.empty()) add(documents, matches / static_cast<double>(documents.size()));
    }
    return out;
}

// The query words to leave out (terms.hpp), except inside phrases.
class stop_words : public Xapian::Stopper {
public:
    bool operator()(const std::string& word) const override { return is_stop_word(word); }
};

// tag:Trafik finds the tag stored as "trafik": boolean values are compared in lower case.
class lowercase_filter : public Xapian::FieldProcessor {
public:
    explicit lowercase_filter(std::string prefix) : prefix_(std::move(prefix)) {}
    Xapian::Query operator()(const std::string& value) override { return Xapian::Query(prefix_ + lower(value)); }

private:
    std::string prefix_;
};

const std::map<std::string, const char*>& filter_prefixes() {
    static const std::map<std::string, const char*> m = {
        {"kind", prefix::kind}, {"dialogue", prefix::dialogue}, {"status", prefix::status},
        {"tag", prefix::tag},   {"routing", prefix::routing},   {"area", prefix::area},
    };
    return m;
}

void check_date(const std::string& field, const std::string& v) {
    static const std::regex iso(R"(\d{4}-\d{2}-\d{2})");
    if (!std::regex_match(v, iso)) throw query_error(field, "'" + v + "' is not a date (YYYY-MM-DD)");
}

}  // namespace

const std::vector<std::string>& filter_keys() {
    static const std::vector<std::string> keys = {"kind", "dialogue", "status", "tag", "routing", "area"};
    return keys;
}

namespace {

// The parsed query with its filters, shared by a result page and a bulk action's id list.
struct parsed_query {
    Xapian::Query query = Xapian::Query::MatchAll;
    Xapian::QueryParser parser;
    Xapian::Stem stemmer;
    std::string text;
    bool has_text = false;
};

// "Skolor AND Cykel" -> "skolor AND cykel": the boolean operators are the upper-case words.
std::string lower_but_operators(const std::string& text) {
    static const std::set<std::string, std::less<>> operators = {"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"};
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t end = text.find_first_of(" \t\r\n()\"", i);
        if (end == i) {
            out += text[i++];
            continue;
        }
        std::string_view word(text.data() + i, (end == std::string::npos ? text.size() : end) - i);
        // NEAR/3 and ADJ/2 carry their window after a slash.
        std::string_view head = word.substr(0, word.find('/'));
        out += operators.contains(head) ? std::string(word) : lower(word);
        i += word.size();
    }
    return out;
}

constexpr unsigned parse_flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                                 Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
                                 Xapian::QueryParser::FLAG_PURE_NOT;

void build_query(Xapian::Database& db, const query_request& request, parsed_query& out) {
    out.stemmer = stemmer_for(request.language);
    Xapian::QueryParser& qp = out.parser;
    qp.set_database(db);
    qp.set_stemmer(out.stemmer);
    // Words outside phrases match by their Z-stem, phrases by the words themselves (only those
    // carry positions, see document.cpp). STEM_SOME leaves capitalised words unstemmed, so the
    // query is lower-cased first, all but its operators.
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_default_op(Xapian::Query::OP_AND);
    qp.set_stopper((new stop_words)->release());
    qp.set_max_expansion(200, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    qp.add_prefix("title", prefix::title);
    for (const auto& [name, pfx] : filter_prefixes())
        qp.add_boolean_prefix(name, (new lowercase_filter(pfx))->release());

    Xapian::Query query = Xapian::Query::MatchAll;
    std::string text = lower_but_operators(fold_accents(request.text));
    bool has_text = text.find_first_not_of(" \t\r\n") != std::string::npos;
    if (has_text) {
        try {
            query = qp.parse_query(text, parse_flags);
        } catch (const Xapian::QueryParserError& e) {
            throw query_error("q", "The search could not be understood: " + e.get_msg());
        }
        if (query.empty()) query = Xapian::Query::MatchNothing;
    }

    // Filters: OR within a key, AND across keys; they narrow without changing relevance.
    std::vector<Xapian::Query> filters;
    for (const auto& [key, values] : request.filters) {
        auto p = filter_prefixes().find(key);
        if (p == filter_prefixes().end()) throw query_error(key, "unknown filter '" + key + "'");
        std::vector<Xapian::Query> alternatives;
        for (const auto& v : values)
            if (!v.empty()) alternatives.emplace_back(p->second + lower(v));
        if (!alternatives.empty())
            filters.emplace_back(Xapian::Query::OP_OR, alternatives.begin(), alternatives.end());
    }
    if (request.from || request.to) {
        if (request.from) check_date("from", *request.from);
        if (request.to) check_date("to", *request.to);
        std::string lo = request.from.value_or(""), hi = request.to ? *request.to + "\xff" : "\xff";
        filters.emplace_back(Xapian::Query::OP_VALUE_RANGE, slot::received_at, lo, hi);
    }
    if (!filters.empty())
        query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                              Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
    out.query = query;
    out.text = text;
    out.has_text = has_text;
}

bool has_unknown_term(const Xapian::Database& db, const Xapian::Query& query) {
    for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t)
        if (!db.term_exists(*t)) return true;
    return false;
}

}  // namespace

query_result run_query(Xapian::Database& db, const facet_table& facets, const query_request& request,
                       const row_loader& load_rows) {
    if (request.page < 1) throw query_error("page", "page starts at 1");
    if (request.page_size < 1 || request.page_size > 100) throw query_error("page_size", "page_size must be 1-100");
    parsed_query parsed;
    build_query(db, request, parsed);
    Xapian::QueryParser& qp = parsed.parser;
    Xapian::Stem& stemmer = parsed.stemmer;
    const Xapian::Query& query = parsed.query;
    const std::string& text = parsed.text;
    bool has_text = parsed.has_text;

    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    // BM25 without Xapian's document-length lookups: the stems' frequencies were normalised when
    // indexed (terms.hpp, "Ranking"). k1 is scaled like those frequencies.
    enquire.set_weighting_scheme(Xapian::BM25Weight(bm25::k1 * bm25::wdf_scale, 0, 1, 0, 0.5));
    switch (request.sort) {
        case sort_order::relevance:
            enquire.set_sort_by_relevance_then_value(slot::received_at, true);
            break;
        case sort_order::newest:
            enquire.set_sort_by_value_then_relevance(slot::received_at, true);
            break;
        case sort_order::oldest:
            enquire.set_sort_by_value_then_relevance(slot::received_at, false);
            break;
    }
    Xapian::doccount first = (request.page - 1) * request.page_size;
    Xapian::MSet mset = enquire.get_mset(first, request.page_size);

    query_result result;
    result.total = mset.get_matches_estimated();
    result.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    if (request.want_facets) {
        sampled_facets sampled = sample_facets(db, facets, query, mset.get_matches_upper_bound());
        // The sample's total is exact when it saw every match, and otherwise still usually closer
        // than Xapian's estimate (which for AND multiplies term frequencies). Where Xapian knows
        // the total, the sampled counts are scaled to it: a value every match has counts exactly it.
        double scale = 1.0;
        if (sampled.exact || !result.total_exact) {
            result.total = static_cast<std::uint64_t>(std::llround(sampled.total));
            result.total_exact = sampled.exact;
        } else if (sampled.total > 0) {
            scale = static_cast<double>(result.total) / sampled.total;
        }
        result.facets_exact = sampled.exact;
        for (std::size_t i = 0; i < facet_field_count; ++i) {
            std::string_view name = facet_fields[i].name;
            auto& out = result.facets[std::string(name)];
            for (const auto& [value, n] : sampled.counts[i])
                if (auto count = static_cast<std::uint64_t>(std::llround(n * scale)); count > 0) out.push_back({value, count});
            std::stable_sort(out.begin(), out.end(), [&](const facet_value& a, const facet_value& b) {
                // Months read best in calendar order, everything else by count.
                return name == "month" ? a.value > b.value : a.count > b.count;
            });
        }
    }
    std::vector<std::int64_t> ids;
    for (auto it = mset.begin(); it != mset.end(); ++it) ids.push_back(std::stoll(it.get_document().get_data()));
    auto rows = load_rows(ids);
    std::size_t rank = 0;
    for (auto it = mset.begin(); it != mset.end(); ++it, ++rank) {
        auto row = rows.find(ids[rank]);
        if (row == rows.end()) continue;  // deleted since it was indexed; the outbox will catch up
        const indexed_item& src = row->second;
        result_item item;
        item.id = src.id;
        item.kind = src.kind;
        item.title = src.title;
        item.dialogue = src.dialogue;
        item.status = src.status;
        item.received_at = src.received_at;
        item.area = src.area;
        item.routing = src.routing;
        item.tags = src.tags;
        item.score = it.get_weight();
        // Xapian escapes the text for HTML and marks the matching words.
        item.snippet = mset.snippet(src.text.empty() ? src.title : src.text, 240, stemmer,
                                    Xapian::MSet::SNIPPET_EXHAUSTIVE,
                                    "<mark>", "</mark>", "…");
        result.items.push_back(std::move(item));
    }

    // Looking up corrections costs more than a typical search, so it is done only when few results
    // come back and some word of the query is in no document at all (real words that seldom meet
    // need no correction), by parsing the text again.
    if (has_text && result.total < 5 && has_unknown_term(db, query)) {
        qp.parse_query(text, parse_flags | Xapian::QueryParser::FLAG_SPELLING_CORRECTION);
        std::string corrected = qp.get_corrected_query_string();
        if (!corrected.empty() && corrected != text) result.suggestion = corrected;
    }
    return result;
}

std::vector<std::int64_t> match_ids(Xapian::Database& db, const query_request& request, std::size_t limit) {
    parsed_query parsed;
    build_query(db, request, parsed);
    auto documents = first_matches(db, parsed.query, static_cast<Xapian::doccount>(limit + 1));
    if (documents.size() > limit)
        throw query_error("query", "the search matches more than " + std::to_string(limit) + " items; narrow it");
    std::vector<std::int64_t> ids;
    ids.reserve(documents.size());
    for (auto d : documents) ids.push_back(std::stoll(db.get_document(d).get_data()));
    return ids;
}

}  // namespace inspel::search
