#include "routing/routing.hpp"

#include "search/terms.hpp"

#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace inspel::routing {
namespace {

using json = nlohmann::json;



}  // namespace

std::string_view to_string(outcome o) {
    switch (o) {
    case outcome::in_purpose: return "in_purpose";
    case outcome::outside_purpose: return "outside_purpose";
    case outcome::needs_review: return "needs_review";
    case outcome::no_dialogue: return "no_dialogue";
    }
    return "needs_review";
}

std::optional<outcome> outcome_from(std::string_view s) {
    for (auto o : {outcome::in_purpose, outcome::outside_purpose, outcome::needs_review, outcome::no_dialogue})
        if (to_string(o) == s) return o;
    return std::nullopt;
}

std::string_view kind_handling(std::string_view kind) {
    if (kind == "proposal") return "proposal_process";
    if (kind == "feedback") return "feedback_handling";
    if (kind == "public_question") return "council_queue";
    return "feedback_handling";
}

std::string handling_sentence(std::string_view action, const std::optional<std::string>& department,
                              std::string_view lang) {
    bool en = lang == "en";
    if (action == "forward_to_feedback")
        return en ? "It is handled as ordinary feedback to the municipality."
                  : "Det hanteras som en vanlig synpunkt till kommunen.";
    if (action == "forward_to_department")
        return en ? "It is forwarded to " + department.value_or("the responsible department") + "."
                  : "Det skickas vidare till " + department.value_or("den ansvariga förvaltningen") + ".";
    if (action == "register_as_proposal")
        return en ? "It is registered as a citizens' proposal (medborgarförslag)."
                  : "Det registreras som ett medborgarförslag.";
    if (action == "answer_directly")
        return en ? "An official answers you directly." : "En handläggare svarar dig direkt.";
    return en ? "It is kept with the dialogue but is not counted in its results."
              : "Det sparas hos dialogen men räknas inte in i dess resultat.";
}

std::map<std::string, int> analyse(std::string_view text, std::string_view language) {
    std::map<std::string, int> out;
    if (text.empty()) return out;
    Xapian::Stem stem = search::stemmer_for(language);
    for (const auto& word : search::words_of(text)) {
        // Numbers and single letters say nothing about a purpose.
        bool digits = std::all_of(word.begin(), word.end(), [](unsigned char ch) { return ch >= '0' && ch <= '9'; });
        if (!digits && Xapian::Utf8Iterator(word).left() > 1 && !search::is_stop_word(word)) ++out[stem(word)];
    }
    return out;
}

dialogue_profile profile_of(std::int64_t id, const dialogue::dialogue& d, bool open) {
    dialogue_profile p;
    p.id = id;
    p.slug = d.slug;
    p.language = d.language;
    p.texts.push_back(d.title);
    if (d.purpose) p.texts.push_back(*d.purpose);
    if (d.description) p.texts.push_back(*d.description);
    for (const auto& q : d.questions) {
        p.texts.push_back(q.text);
        if (q.help) p.texts.push_back(*q.help);
    }
    p.keywords = d.hints.keywords;
    p.areas = d.hints.areas;
    p.open = open;
    p.outside = d.outside_purpose;
    return p;
}

router::router(std::vector<dialogue_profile> dialogues, thresholds t) : inputs_(std::move(dialogues)), limits_(t) {
    auto add = [](model& m, const std::map<std::string, int>& terms, double w) {
        for (const auto& [term, n] : terms) {
            m.count[term] += w * n;
            m.total += w * n;
        }
    };
    for (const auto& d : inputs_) {
        model m;
        for (const auto& text : d.texts) add(m, analyse(text, d.language), 1.0);
        for (const auto& k : d.keywords) add(m, analyse(k, d.language), limits_.keyword_weight);
        for (const auto& c : d.confirmed) add(m, analyse(c, d.language), limits_.learned_weight);
        for (const auto& r : d.rejected) add(outside_, analyse(r, d.language), limits_.learned_weight);
        outside_taught_ += d.rejected.size();
        dialogues_.push_back(std::move(m));
    }
    for (const auto& m : dialogues_)
        for (const auto& [term, c] : m.count) background_.count[term] += c, background_.total += c;
    for (const auto& [term, c] : outside_.count) background_.count[term] += c, background_.total += c;
}

std::optional<std::size_t> router::index_of(std::int64_t dialogue) const {
    for (std::size_t i = 0; i < inputs_.size(); ++i)
        if (inputs_[i].id == dialogue) return i;
    return std::nullopt;
}

std::map<std::string, int> router::analyse_known(std::string_view text, std::string_view language) const {
    std::map<std::string, int> out;
    for (const auto& [term, n] : analyse(text, language)) {
        if (background_.count.contains(term)) {
            out[term] += n;
            continue;
        }
        // An unknown compound stands for its longest known head and its longest known tail
        // ("kärnkraftsalternativ" ~ "kärnkraft" + "alternativ"); a word with neither stays unknown.
        std::string_view whole(term), head, tail;
        for (std::size_t k = term.size() - 1; k >= limits_.compound_min && k > 0 && head.empty(); --k)
            if (background_.count.contains(whole.substr(0, k))) head = whole.substr(0, k);
        for (std::size_t k = term.size() - 1; k >= limits_.compound_min && k > 0 && tail.empty(); --k)
            if (background_.count.contains(whole.substr(term.size() - k))) tail = whole.substr(term.size() - k);
        if (head.empty() && tail.empty()) out[term] += n;
        if (!head.empty()) out[std::string(head)] += n;
        if (!tail.empty()) out[std::string(tail)] += n;
    }
    return out;
}

const std::map<std::string, int>& router::terms_in(analysed& cache, std::string_view text, const std::string& language) const {
    auto f = cache.find(language);
    if (f == cache.end()) f = cache.emplace(language, analyse_known(text, language)).first;
    return f->second;
}

double router::log_likelihood(const model& m, const std::map<std::string, int>& terms) const {
    double vocabulary = static_cast<double>(background_.count.size()) + 1.0;
    double sum = 0;
    for (const auto& [term, n] : terms) {
        auto b = background_.count.find(term);
        // A word no class has seen is equally unlikely under every class: it tells nothing.
        if (b == background_.count.end()) continue;
        // The dialogues lean towards all known text; the outside class, which stands for whatever
        // else residents write, towards no word in particular.
        double prior = &m == &outside_ ? 1.0 / vocabulary : (b->second + 1.0) / (background_.total + vocabulary);
        auto c = m.count.find(term);
        double own = c == m.count.end() ? 0.0 : c->second;
        double p = (own + limits_.prior_weight * prior) / (m.total + limits_.prior_weight);
        sum += n * std::log(p);
    }
    return sum;
}

std::vector<std::string> router::telling_terms(const model& m, const std::map<std::string, int>& terms) const {
    std::vector<std::pair<double, std::string>> ranked;
    for (const auto& [term, n] : terms) {
        auto c = m.count.find(term);
        auto b = background_.count.find(term);
        if (c == m.count.end() || b == background_.count.end()) continue;
        // How much more often the class uses the word than all text does.
        double lift = (c->second / m.total) / (b->second / background_.total);
        // Words the class uses no more than all text does decide nothing, unless it is the only
        // class there is (then every shared word is the evidence).
        if (lift > 1.0 - 1e-9) ranked.emplace_back(lift * c->second * n, term);
    }
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < ranked.size() && i < 8; ++i) out.push_back(ranked[i].second);
    return out;
}

std::vector<double> router::posteriors(const item& it, analysed& terms) const {
    // With no dialogue there is one class: nothing to weigh, so nothing to analyse.
    if (inputs_.empty()) return {1.0};
    std::vector<double> log_post;
    // Each dialogue analyses the item in its own language; the outside class in the first one's.
    auto terms_in = [&](const std::string& language) -> const std::map<std::string, int>& {
        return this->terms_in(terms, it.text, language);
    };
    for (std::size_t i = 0; i < inputs_.size(); ++i)
        log_post.push_back(log_likelihood(dialogues_[i], terms_in(inputs_[i].language)) / limits_.evidence_scale);
    // A dialogue that shares not one word with the item has no evidence for it at all.
    std::vector<bool> shares(inputs_.size(), false);
    for (std::size_t i = 0; i < inputs_.size(); ++i)
        for (const auto& [term, n] : terms_in(inputs_[i].language))
            if (dialogues_[i].count.contains(term)) shares[i] = true;
    log_post.push_back(log_likelihood(outside_, terms_in(inputs_.front().language)) / limits_.evidence_scale);
    double top = *std::max_element(log_post.begin(), log_post.end());
    for (std::size_t i = 0; i < log_post.size(); ++i)
        log_post[i] = i < shares.size() && !shares[i] ? 0.0 : std::exp(log_post[i] - top);
    double sum = std::accumulate(log_post.begin(), log_post.end(), 0.0);
    for (auto& l : log_post) l /= sum;
    return log_post;
}

double router::score(const item& it, std::int64_t dialogue, std::vector<std::string>* terms) const {
    auto i = index_of(dialogue);
    if (!i) return 0.0;
    analysed cache;
    if (terms) *terms = telling_terms(dialogues_[*i], terms_in(cache, it.text, inputs_[*i].language));
    return posteriors(it, cache)[*i];
}

void apply_outside_rule(const dialogue_profile& d, decision& out) {
    out.result = outcome::outside_purpose;
    out.dialogue = d.id;
    // A dialogue in execution always has a rule (the commission demands one); keep is the safe
    // reading of a missing one: the item stays where it is, unjudged, and nothing is sent anywhere.
    out.action = std::string(dialogue::to_string(d.outside.action.value_or(dialogue::outside_action::keep)));
    out.department = d.outside.action == dialogue::outside_action::forward_to_department ? d.outside.department
                                                                                          : std::nullopt;
    out.notice = d.outside.notice;
}

decision router::decide(const item& it) const {
    decision out;
    json expl = {{"version", version}, {"decided_by", "machine"}, {"terms", json::array()}};
    expl["thresholds"] = {{"accept", limits_.accept}, {"reject", limits_.reject}};

    // Every dialogue's score, with its terms, for the explanation and the suggestions.
    struct scored {
        std::size_t index;
        double score;
        std::vector<std::string> terms;
    };
    std::vector<scored> all;
    analysed cache;
    auto post = posteriors(it, cache);
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
        scored s{i, post[i], telling_terms(dialogues_[i], terms_in(cache, it.text, inputs_[i].language))};
        const auto& areas = inputs_[i].areas;
        if (it.area && !areas.empty()) {
            auto folded = search::lower(*it.area);
            bool named = std::any_of(areas.begin(), areas.end(), [&](const auto& a) { return search::lower(a) == folded; });
            s.score = std::clamp(s.score + (named ? limits_.area_evidence : -limits_.area_evidence), 0.0, 1.0);
        }
        all.push_back(std::move(s));
    }
    double outside_score = post.back();
    json scores = json::object();
    for (const auto& s : all) scores[inputs_[s.index].slug] = std::round(s.score * 1000) / 1000;
    expl["scores"] = scores;
    expl["outside_score"] = std::round(outside_score * 1000) / 1000;

    // The best open dialogue other than `except`, when it clears the accept threshold.
    auto clear_match = [&](std::optional<std::size_t> except) -> const scored* {
        const scored* best = nullptr;
        for (const auto& s : all)
            if ((!except || s.index != *except) && inputs_[s.index].open && (!best || s.score > best->score)) best = &s;
        return best && best->score >= limits_.accept ? best : nullptr;
    };

    if (!it.dialogue) {
        out.result = outcome::no_dialogue;
        out.action = std::string(kind_handling(it.kind));
        if (const scored* best = clear_match(std::nullopt)) {
            out.dialogue = inputs_[best->index].id;
            out.score = best->score;
            expl["terms"] = best->terms;
            expl["suggested"] = inputs_[best->index].slug;
            expl["rule"] = "no_dialogue.suggested";
        } else {
            expl["rule"] = "no_dialogue.by_kind";
        }
        out.explanation = std::move(expl);
        return out;
    }

    out.dialogue = *it.dialogue;
    if (it.kind == "panel_response") {
        out.result = outcome::in_purpose;
        expl["rule"] = "panel_response";
        out.explanation = std::move(expl);
        return out;
    }
    auto mine = index_of(*it.dialogue);
    if (!mine) {
        // The dialogue is not among those the caller knows (it closed between admission and now):
        // a person decides.
        out.result = outcome::needs_review;
        expl["rule"] = "unknown_dialogue";
        out.explanation = std::move(expl);
        return out;
    }

    const scored& own = all[*mine];
    const dialogue_profile& d = inputs_[*mine];
    out.score = own.score;
    expl["terms"] = own.terms;

    if (analyse(it.text, d.language).empty()) {
        out.result = outcome::needs_review;
        expl["rule"] = "no_content_words";
    } else if (own.score >= limits_.accept) {
        out.result = outcome::in_purpose;
        expl["rule"] = "score_at_or_above_accept";
    } else if (outside_taught_ > 0 && outside_score > own.score && outside_score >= limits_.accept) {
        // Officials have moved items like this one out before.
        apply_outside_rule(d, out);
        expl["rule"] = "learned_outside";
        expl["terms"] = telling_terms(outside_, terms_in(cache, it.text, d.language));
    } else if (own.score < limits_.reject) {
        apply_outside_rule(d, out);
        expl["rule"] = "score_below_reject";
        if (const scored* other = clear_match(mine)) {
            expl["rule"] = "better_match_elsewhere";
            expl["suggested"] = inputs_[other->index].slug;
        }
    } else {
        out.result = outcome::needs_review;
        expl["rule"] = "uncertain_band";
    }
    if (out.result == outcome::outside_purpose) {
        expl["action"] = *out.action;
        if (out.department) expl["department"] = *out.department;
        if (out.notice) expl["notice"] = *out.notice;
    }
    out.explanation = std::move(expl);
    return out;
}

}  // namespace inspel::routing
