#include "routing/routing.hpp"

#include "search/terms.hpp"

#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace inspel::routing {
namespace {

using json = nlohmann::json;

// Words too common to tell one dialogue from another. Only the languages the municipality writes in
// most; other languages lean on idf across the profiles.
const std::set<std::string, std::less<>> stop_words = {
    // Swedish
    "och", "att", "det", "som", "en", "ett", "är", "av", "för", "på", "med", "till", "den", "de", "om", "har",
    "inte", "jag", "vi", "ni", "du", "han", "hon", "man", "kan", "ska", "skulle", "vill", "var", "vara", "blir",
    "bli", "från", "eller", "men", "så", "när", "där", "här", "vad", "hur", "vem", "vilka", "vilken", "vilket",
    "mer", "mycket", "också", "bara", "alla", "allt", "andra", "annat", "sin", "sitt", "sina", "min", "mitt",
    "mina", "vår", "vårt", "våra", "er", "ert", "era", "dem", "oss", "mig", "dig", "sig", "denna", "detta",
    "dessa", "nu", "då", "än", "utan", "efter", "under", "över", "mot", "vid", "hos", "genom", "både", "samt",
    "finns", "fanns", "får", "få", "göra", "gör", "gjort", "hade", "haft", "varit", "blev", "ju", "nog", "väl",
    "sedan", "även", "hela", "helt", "dock", "ingen", "inga", "inget", "något", "några", "någon", "många",
    "mest", "redan", "tycker", "tror", "bör", "måste", "kunna", "kommer", "idag", "in", "ut", "upp", "ner",
    "the", "and", "of", "to", "in", "is", "it", "that", "for", "on", "with", "as", "are", "be", "this", "was",
    "by", "or", "an", "at", "from", "but", "not", "have", "has", "we", "you", "they", "our", "their", "would",
    "should", "could", "can", "will", "there", "what", "which", "who", "how", "when", "more", "also", "very",
};

// Weight of a term in a profile beyond its idf: occurrences add little after the first (log damping),
// so one purpose text repeating a word does not drown the rest.
double damp(double count) { return 1.0 + std::log1p(count); }

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
    std::string folded = search::fold_accents(text);
    std::string word;
    auto flush = [&] {
        if (word.empty()) return;
        // Numbers and single letters say nothing about a purpose.
        bool digits = std::all_of(word.begin(), word.end(), [](unsigned char ch) { return ch >= '0' && ch <= '9'; });
        if (!digits && Xapian::Utf8Iterator(word).left() > 1 && !stop_words.contains(word)) ++out[stem(word)];
        word.clear();
    };
    for (Xapian::Utf8Iterator i(folded); i != Xapian::Utf8Iterator(); ++i) {
        unsigned ch = *i;
        if (Xapian::Unicode::is_wordchar(ch)) Xapian::Unicode::append_utf8(word, Xapian::Unicode::tolower(ch));
        else flush();
    }
    flush();
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
    auto build = [&](const dialogue_profile& d, bool negative) {
        profile p;
        p.id = d.id;
        p.language = d.language;
        std::map<std::string, double> counts;
        auto add = [&](std::string_view text, double w) {
            for (const auto& [term, n] : analyse(text, d.language)) counts[term] += w * n;
        };
        if (!negative) {
            for (const auto& t : d.texts) add(t, 1.0);
            for (const auto& k : d.keywords) add(k, limits_.keyword_weight);
            for (const auto& c : d.confirmed) add(c, limits_.learned_weight);
        } else {
            for (const auto& r : d.rejected) add(r, 1.0);
        }
        for (const auto& [term, c] : counts) {
            p.weight[term] = damp(c);
            p.stems_by_length.push_back(term);
        }
        std::sort(p.stems_by_length.begin(), p.stems_by_length.end(),
                  [](const auto& a, const auto& b) { return a.size() > b.size(); });
        return p;
    };
    for (const auto& d : inputs_) {
        profiles_.push_back(build(d, false));
        negatives_.push_back(build(d, true));
    }
    // idf over the dialogue profiles: a term in every profile weighs least, but never nothing, so a
    // single dialogue still scores (N = 1 gives every term the same weight).
    std::map<std::string, int> df;
    for (const auto& p : profiles_)
        for (const auto& [term, w] : p.weight) ++df[term];
    double n = static_cast<double>(profiles_.size());
    for (const auto& [term, f] : df) idf_[term] = std::log((n + 1.0) / f) + 1.0;
}

const router::profile* router::find(std::int64_t id) const {
    for (const auto& p : profiles_)
        if (p.id == id) return &p;
    return nullptr;
}

double router::score_against(const profile& p, const std::map<std::string, int>& item_terms,
                             std::vector<std::string>* terms) const {
    if (p.weight.empty()) return 0.0;
    double unseen = std::log(static_cast<double>(profiles_.size()) + 1.0) + 1.0;  // idf of a term no profile has
    double total = 0, matched = 0;
    std::vector<std::pair<double, std::string>> hits;
    for (const auto& [term, count] : item_terms) {
        auto idf = idf_.find(term);
        double w = idf == idf_.end() ? unseen : idf->second;
        total += w;
        if (p.weight.contains(term)) {
            matched += w;
            hits.emplace_back(w * p.weight.at(term), term);
            continue;
        }
        // A compound: the item's word begins or ends with a profile stem ("cykelbanor" ~ "cykel").
        for (const auto& s : p.stems_by_length) {
            if (s.size() < limits_.compound_min || s.size() >= term.size()) continue;
            if (term.starts_with(s) || term.ends_with(s)) {
                matched += w / 2;
                hits.emplace_back(w / 2, term);
                break;
            }
        }
    }
    if (terms) {
        std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        for (std::size_t i = 0; i < hits.size() && i < 8; ++i) terms->push_back(hits[i].second);
    }
    return total > 0 ? matched / total : 0.0;
}

double router::score(const item& it, std::int64_t dialogue, std::vector<std::string>* terms) const {
    const profile* p = find(dialogue);
    if (!p) return 0.0;
    return score_against(*p, analyse(it.text, p->language), terms);
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
    expl["thresholds"] = {{"accept", limits_.accept}, {"reject", limits_.reject}, {"margin", limits_.margin}};

    // Every dialogue's score, with its terms, for the explanation and the margins.
    struct scored {
        std::size_t index;
        double score;
        std::vector<std::string> terms;
    };
    std::vector<scored> all;
    for (std::size_t i = 0; i < profiles_.size(); ++i) {
        scored s{i, 0.0, {}};
        s.score = score_against(profiles_[i], analyse(it.text, profiles_[i].language), &s.terms);
        const auto& areas = inputs_[i].areas;
        if (it.area && !areas.empty()) {
            auto folded = search::lower(*it.area);
            bool named = std::any_of(areas.begin(), areas.end(), [&](const auto& a) { return search::lower(a) == folded; });
            s.score = std::clamp(s.score + (named ? limits_.area_evidence : -limits_.area_evidence), 0.0, 1.0);
        }
        all.push_back(std::move(s));
    }
    json scores = json::object();
    for (const auto& s : all) scores[inputs_[s.index].slug] = std::round(s.score * 1000) / 1000;
    expl["scores"] = scores;

    // The best open dialogue other than `except`.
    auto best_other = [&](std::optional<std::size_t> except) -> const scored* {
        const scored* best = nullptr;
        for (const auto& s : all)
            if ((!except || s.index != *except) && inputs_[s.index].open && (!best || s.score > best->score)) best = &s;
        return best;
    };
    auto clearly_wins = [&](const scored& a, const scored* b) {
        return a.score >= limits_.accept && (!b || a.score >= limits_.margin * b->score);
    };

    if (!it.dialogue) {
        out.result = outcome::no_dialogue;
        out.action = std::string(kind_handling(it.kind));
        const scored* best = best_other(std::nullopt);
        const scored* second = nullptr;
        if (best)
            for (const auto& s : all)
                if (&s != best && inputs_[s.index].open && (!second || s.score > second->score)) second = &s;
        if (best && clearly_wins(*best, second)) {
            out.dialogue = inputs_[best->index].id;
            out.score = best->score;
            expl["terms"] = best->terms;
            expl["suggested"] = inputs_[best->index].slug;
            expl["rule"] = "no_dialogue.suggested";
        } else {
            out.score = best ? std::optional(best->score) : std::nullopt;
            expl["rule"] = "no_dialogue.by_kind";
        }
        out.explanation = std::move(expl);
        return out;
    }

    out.dialogue = *it.dialogue;
    std::optional<std::size_t> mine;
    for (std::size_t i = 0; i < inputs_.size(); ++i)
        if (inputs_[i].id == *it.dialogue) mine = i;

    if (it.kind == "panel_response") {
        out.result = outcome::in_purpose;
        expl["rule"] = "panel_response";
        out.explanation = std::move(expl);
        return out;
    }
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
    auto item_terms = analyse(it.text, d.language);

    if (item_terms.empty()) {
        out.result = outcome::needs_review;
        expl["rule"] = "no_content_words";
    } else if (double neg = score_against(negatives_[*mine], item_terms, nullptr);
               !d.rejected.empty() && neg > own.score && neg >= limits_.reject) {
        apply_outside_rule(d, out);
        expl["rule"] = "learned_outside";
        expl["learned_score"] = std::round(neg * 1000) / 1000;
    } else if (own.score >= limits_.accept) {
        const scored* other = best_other(mine);
        if (other && clearly_wins(*other, &own)) {
            apply_outside_rule(d, out);
            expl["rule"] = "better_match_elsewhere";
            expl["suggested"] = inputs_[other->index].slug;
        } else {
            out.result = outcome::in_purpose;
            expl["rule"] = "score_at_or_above_accept";
        }
    } else if (own.score < limits_.reject) {
        apply_outside_rule(d, out);
        expl["rule"] = "score_below_reject";
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
