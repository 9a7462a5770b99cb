#include "search/document.hpp"

#include "search/terms.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace inspel::search {
namespace {

// One SELECT serves single items, pages of results and the full scan.
constexpr const char* item_columns = R"(
    SELECT s.id, s.kind, coalesce(s.title_redacted, ''), coalesce(s.body_redacted, ''),
           coalesce(d.slug, ''), s.status, coalesce(s.area, ''), coalesce(s.language, 'sv'), s.received_at,
           coalesce(s.routing_outcome, ''),
           (SELECT group_concat(t.name, char(10)) FROM submission_tags st JOIN tags t ON t.id = st.tag_id
             WHERE st.submission_id = s.id)
    FROM submissions s LEFT JOIN dialogues d ON d.id = s.dialogue_id)";

indexed_item row_to_item(schema::statement& st) {
    indexed_item it;
    it.id = st.int64(0);
    it.kind = st.text(1);
    it.title = st.text(2);
    it.text = st.text(3);
    it.dialogue = st.text(4);
    it.status = st.text(5);
    it.area = st.text(6);
    it.language = st.text(7);
    it.received_at = st.text(8);
    it.routing = st.text(9);
    std::string tags = st.text(10);
    for (std::size_t start = 0; start < tags.size();) {
        auto nl = tags.find('\n', start);
        it.tags.push_back(tags.substr(start, nl - start));
        start = nl == std::string::npos ? tags.size() : nl + 1;
    }
    return it;
}

void add_boolean(Xapian::Document& doc, const char* prefix, const std::string& value) {
    if (!value.empty()) doc.add_boolean_term(prefix + lower(value));
}

}  // namespace

std::optional<indexed_item> load_item(schema::connection& c, std::int64_t id) {
    auto st = c.cached(std::string(item_columns) + " WHERE s.id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return row_to_item(st);
}

std::map<std::int64_t, indexed_item> load_items(schema::connection& c, const std::vector<std::int64_t>& ids) {
    std::map<std::int64_t, indexed_item> rows;
    auto st = c.cached(std::string(item_columns) + " WHERE s.id = ?");
    for (auto id : ids) {
        st.reset();
        st.bind(1, id);
        if (st.step()) rows.emplace(id, row_to_item(st));
    }
    return rows;
}

void for_each_item(schema::connection& c, const std::function<void(const indexed_item&)>& visit) {
    auto st = c.prepare(std::string(item_columns) + " ORDER BY s.id");
    while (st.step()) visit(row_to_item(st));
}

namespace {

// Adds the Z-prefixed stems of the words already in `doc`, and gives stems and words alike their
// BM25 term frequency already normalised by the document's length (see terms.hpp, "Ranking").
void add_stems_and_normalise(Xapian::Document& doc, Xapian::Stem& stem) {
    std::map<std::string, Xapian::termcount> stems;
    std::vector<std::pair<std::string, Xapian::termcount>> words;
    Xapian::termcount length = 0;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        const std::string& term = *t;
        // Only word terms exist yet: lower-case words, and title words under the upper-case S.
        bool title = term.compare(0, std::strlen(prefix::title), prefix::title) == 0;
        std::string word = title ? term.substr(std::strlen(prefix::title)) : term;
        stems[(title ? std::string("Z") + prefix::title : std::string("Z")) + stem(word)] += t.get_wdf();
        words.emplace_back(term, t.get_wdf());
        if (!title) length += t.get_wdf();
    }
    double norm = (1 - bm25::b) + bm25::b * std::max(static_cast<double>(length) / bm25::reference_length, 0.5);
    auto normalised = [&](Xapian::termcount tf) {
        return std::max<Xapian::termcount>(static_cast<Xapian::termcount>(std::lround(bm25::wdf_scale * tf / norm)), 1);
    };
    for (const auto& [term, tf] : stems) doc.add_term(term, normalised(tf));
    // A word keeps its positions (for phrases and wildcards), so its frequency can only be raised
    // to the normalised one: in a text of over 2,000 words it stays a little above it.
    for (const auto& [term, tf] : words)
        if (auto wdf = normalised(tf); wdf > tf) doc.add_term(term, wdf - tf);
}

}  // namespace

Xapian::Document build_document(const indexed_item& item, Xapian::TermGenerator& tg) {
    Xapian::Document doc;
    tg.set_document(doc);
    Xapian::Stem stem = stemmer_for(item.language);
    // The words with positions; add_stems_and_normalise adds their stems and sets every frequency.
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_NONE);
    // Lower-cased first, like queries: the same word is the same term wherever it stood.
    std::string title = lower(fold_accents(item.title));
    tg.index_text(title, 1, prefix::title);
    // Title words count in plain searches too, and more than body words.
    tg.index_text(title, 2);
    tg.increase_termpos();
    tg.index_text(lower(fold_accents(item.text)));
    add_stems_and_normalise(doc, stem);

    doc.add_boolean_term(id_term(item.id));
    add_boolean(doc, prefix::kind, item.kind);
    add_boolean(doc, prefix::dialogue, item.dialogue);
    add_boolean(doc, prefix::status, item.status);
    add_boolean(doc, prefix::area, item.area);
    add_boolean(doc, prefix::routing, item.routing);
    add_boolean(doc, prefix::language, item.language);
    std::string month = item.received_at.size() >= 7 ? item.received_at.substr(0, 7) : "";
    if (!month.empty()) doc.add_boolean_term(std::string(prefix::month) + month.substr(0, 4) + month.substr(5, 2));
    std::string tags;
    for (const auto& t : item.tags) {
        add_boolean(doc, prefix::tag, t);
        tags += lower(t) + '\n';
    }

    doc.add_value(slot::received_at, item.received_at);
    std::string facets;
    for (const std::string& field : {item.kind, item.dialogue, item.status, tags, item.routing, lower(item.area), month})
        facets += field + '\x1f';
    doc.add_value(slot::facets, facets);

    // Result rows are read from SQLite (see searcher.cpp), so the document carries only its id:
    // a smaller index, and an anonymised or edited item shows its current text at once.
    doc.set_data(std::to_string(item.id));
    return doc;
}

}  // namespace inspel::search
