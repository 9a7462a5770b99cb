// routing-eval: how well the triage decision (routing/) separates in-purpose from outside items.
//
// Data (issue 7): the six dialogues of bench/routing/dialogues.sv.json, one per topic of SuperLim-2
// argumentation-sentences, with purposes written as a municipality would. The pro and con
// sentences of a topic are items sent to that topic's dialogue, in purpose; a sentence of another
// topic and a SweFAQ question sent to a dialogue are outside. "non" sentences (found with the topic
// but not arguing about it) are left out of the figures and reported on their own line.
//
// Protocol: officials have already judged a history of items (they confirm the in-purpose ones and
// move the outside ones out), which is what the router learns from, as routing/store.cpp loads it.
// The thresholds are tuned on a second set disjoint from the history (highest accuracy of automatic
// decisions with at most 15 % sent to review) and the figures are reported on a third set, dev:
//   train present: history = even lines of train, tuning = odd lines of train, report = dev
//   train absent:  dev lines by position mod 3: 0 history, 1 tuning, 2 report (said in the output)
// The same run also reports a cold start: no history at all, as for a dialogue that has just opened.
// It calls the decision logic directly (routing::router, as intake does inside its write), so
// figures do not depend on HTTP or disk.
//
// Usage: routing_eval [--data DIR] [--swefaq FILE] [--dialogues FILE] [--max-items N] [--prior W] [--scale S]
//                     [--no-tuning]
#include "routing/routing.hpp"
#include "routing/store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using namespace inspel::routing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct sentence {
    std::string topic, label, text;
};

struct example {
    std::int64_t dialogue;
    std::string text;
    bool in_purpose;
};

std::vector<json> read_jsonl(const fs::path& p) {
    std::vector<json> out;
    std::ifstream in(p);
    for (std::string line; std::getline(in, line);)
        if (line.find_first_not_of(" \t\r") != std::string::npos) out.push_back(json::parse(line));
    return out;
}

std::vector<sentence> read_sentences(const fs::path& p) {
    std::vector<sentence> out;
    for (const auto& j : read_jsonl(p))
        out.push_back({j.at("topic").get<std::string>(), j.at("label").get<std::string>(),
                       j.at("sentence").get<std::string>()});
    return out;
}

struct figures {
    double automatic = 0, accuracy = 0, review = 0, out_precision = 0, out_recall = 0;
    std::size_t n = 0, outside = 0;
};

figures evaluate(const router& r, const std::vector<example>& xs) {
    std::size_t automatic = 0, right = 0, review = 0, out_pred = 0, out_right = 0, out_true = 0;
    for (const auto& x : xs) {
        auto d = r.decide(item{"proposal", x.dialogue, x.text, std::nullopt});
        if (!x.in_purpose) ++out_true;
        if (d.result == outcome::needs_review) {
            ++review;
            continue;
        }
        ++automatic;
        bool said_in = d.result == outcome::in_purpose;
        if (said_in == x.in_purpose) ++right;
        if (!said_in) {
            ++out_pred;
            if (!x.in_purpose) ++out_right;
        }
    }
    figures f;
    f.n = xs.size();
    f.outside = out_true;
    f.automatic = xs.empty() ? 0 : double(automatic) / xs.size();
    f.accuracy = automatic ? double(right) / automatic : 0;
    f.review = xs.empty() ? 0 : double(review) / xs.size();
    f.out_precision = out_pred ? double(out_right) / out_pred : 0;
    f.out_recall = out_true ? double(out_right) / out_true : 0;
    return f;
}

void report(const char* name, const figures& f) {
    std::printf("%-22s items %5zu (outside %5zu)  automatic %5.1f%%  right %5.1f%%  review %5.1f%%  "
                "outside precision %5.1f%% recall %5.1f%%\n",
                name, f.n, f.outside, 100 * f.automatic, 100 * f.accuracy, 100 * f.review, 100 * f.out_precision,
                100 * f.out_recall);
}

}  // namespace

int main(int argc, char** argv) {
    fs::path data = "/work/shared/data/superlim2-sv";
    fs::path dialogues_file = INSPEL_SOURCE_DIR "/bench/routing/dialogues.sv.json";
    std::optional<fs::path> swefaq_file;
    std::size_t max_items = 1000000;
    thresholds model;  // --prior and --scale explore the model's two constants; thresholds are tuned
    bool run_tuning = true;  // --no-tuning: the shipped thresholds only (seconds instead of minutes)
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        bool has_value = i + 1 < argc;
        if (a == "--no-tuning") run_tuning = false;
        else if (a == "--data" && has_value) data = argv[++i];
        else if (a == "--swefaq" && has_value) swefaq_file = argv[++i];
        else if (a == "--dialogues" && has_value) dialogues_file = argv[++i];
        else if (a == "--max-items" && has_value) max_items = std::stoul(argv[++i]);
        else if (a == "--prior" && has_value) model.prior_weight = std::stod(argv[++i]);
        else if (a == "--scale" && has_value) model.evidence_scale = std::stod(argv[++i]);
        else {
            std::fprintf(stderr, "usage: routing_eval [--data DIR] [--swefaq FILE] [--dialogues FILE] [--max-items N] "
                                 "[--prior W] [--scale S] [--no-tuning]\n");
            return 2;
        }
    }
    fs::path arg = data / "argumentation-sentences";
    fs::path train_file = arg / "argumentation-sentences_train.jsonl", dev_file = arg / "argumentation-sentences_dev.jsonl";
    if (!swefaq_file) swefaq_file = data / "swefaq" / "swefaq_dev.jsonl";
    if (!fs::exists(dev_file)) {
        std::fprintf(stderr, "routing_eval: %s not found (SuperLim-2 argumentation-sentences)\n", dev_file.c_str());
        return 2;
    }

    // The dialogues, as their commissioning decisions describe them.
    std::vector<dialogue_profile> ds;
    std::map<std::string, std::int64_t> dialogue_of_topic;
    {
        std::ifstream in(dialogues_file);
        json spec = json::parse(in);
        for (const auto& d : spec.at("dialogues")) {
            dialogue_profile p;
            p.id = static_cast<std::int64_t>(ds.size() + 1);
            p.slug = d.at("slug");
            p.texts = {d.at("title"), d.at("purpose"), d.at("description")};
            for (const auto& q : d.at("questions")) p.texts.push_back(q);
            p.keywords = d.at("keywords").get<std::vector<std::string>>();
            p.outside.action = inspel::dialogue::outside_action::forward_to_feedback;
            dialogue_of_topic[d.at("topic")] = p.id;
            ds.push_back(std::move(p));
        }
    }

    // Three disjoint sets: history (what officials judged), tune, report.
    std::vector<sentence> history, tune, dev;
    bool fallback = !fs::exists(train_file);
    if (!fallback) {
        auto train = read_sentences(train_file);
        for (std::size_t i = 0; i < train.size(); ++i) (i % 2 == 0 ? history : tune).push_back(train[i]);
        dev = read_sentences(dev_file);
    } else {
        auto all = read_sentences(dev_file);
        for (std::size_t i = 0; i < all.size(); ++i) (i % 3 == 0 ? history : i % 3 == 1 ? tune : dev).push_back(all[i]);
    }
    std::vector<std::string> questions;
    if (fs::exists(*swefaq_file))
        for (const auto& j : read_jsonl(*swefaq_file)) questions.push_back(j.at("question").get<std::string>());

    // A set of items: each argument goes to its topic's dialogue; for each, one sentence of another
    // topic (the next one in the set) goes to the same dialogue; each `share`-th SweFAQ question goes
    // to the dialogues in turn.
    auto items_of = [&](const std::vector<sentence>& set, std::size_t phase, std::size_t phases) {
        std::vector<example> xs;
        for (std::size_t i = 0; i < set.size() && xs.size() < max_items; ++i) {
            const auto& s = set[i];
            if (s.label == "non" || !dialogue_of_topic.contains(s.topic)) continue;
            std::int64_t d = dialogue_of_topic.at(s.topic);
            xs.push_back({d, s.text, true});
            for (std::size_t k = 1; k < set.size(); ++k) {
                const auto& o = set[(i + k * 7) % set.size()];
                if (o.topic != s.topic && o.label != "non") {
                    xs.push_back({d, o.text, false});
                    break;
                }
            }
        }
        for (std::size_t q = phase; q < questions.size() && xs.size() < 2 * max_items; q += phases)
            xs.push_back({static_cast<std::int64_t>(1 + (q / phases) % ds.size()), questions[q], false});
        return xs;
    };
    std::size_t phases = 3;
    auto history_items = items_of(history, 0, phases), tune_items = items_of(tune, 1, phases),
         dev_items = items_of(dev, 2, phases);

    // What officials taught: the latest `learned_window` judgements, as routing/store.cpp loads them.
    std::vector<dialogue_profile> taught = ds;
    std::size_t start = history_items.size() > std::size_t(learned_window) ? history_items.size() - learned_window : 0;
    for (std::size_t i = start; i < history_items.size(); ++i) {
        auto& d = taught[history_items[i].dialogue - 1];
        (history_items[i].in_purpose ? d.confirmed : d.rejected).push_back(history_items[i].text);
    }

    auto tuned = [&](const std::vector<dialogue_profile>& profiles) {
        thresholds best = model;
        double best_acc = -1;
        for (double accept = 0.025; accept <= 0.975; accept += 0.025)
            for (double reject = 0.0; reject <= accept + 1e-9; reject += 0.025) {
                thresholds t = model;
                t.accept = accept;
                t.reject = reject;
                auto f = evaluate(router(profiles, t), tune_items);
                if (f.review <= 0.15 && f.accuracy > best_acc) best_acc = f.accuracy, best = t;
            }
        return best;
    };

    std::printf("routing-eval (%s): %zu dialogues from %s\n", std::string(version).c_str(), ds.size(),
                dialogues_file.c_str());
    std::printf("data: %s, %s; SweFAQ questions: %zu (%s)\n", data.c_str(),
                fallback ? "FALLBACK: no train split, dev lines mod 3 = history/tune/report" : "train (history, tune) and dev (report)",
                questions.size(), swefaq_file->c_str());
    std::printf("sets: history %zu items, tune %zu, report %zu\n", history_items.size(), tune_items.size(),
                dev_items.size());
    thresholds defaults = model;
    std::printf("model: prior_weight %.1f evidence_scale %.1f\n", model.prior_weight, model.evidence_scale);
    std::printf("shipped defaults: accept %.2f reject %.2f\n", defaults.accept, defaults.reject);
    report("dev, defaults", evaluate(router(taught, defaults), dev_items));
    if (run_tuning) {
        auto best = tuned(taught);
        std::printf("tuned on the tune set: accept %.2f reject %.2f\n", best.accept, best.reject);
        report("tune, tuned", evaluate(router(taught, best), tune_items));
        report("dev, tuned", evaluate(router(taught, best), dev_items));
    }
    report("dev, cold start", evaluate(router(ds, defaults), dev_items));

    // The cost of one decision, which intake pays inside its write transaction.
    {
        router timed(taught, defaults);
        auto start = std::chrono::steady_clock::now();
        std::size_t n = 0;
        for (int round = 0; round < 3; ++round)
            for (const auto& x : dev_items) n += timed.decide(item{"proposal", x.dialogue, x.text, std::nullopt}).score ? 1 : 0;
        double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
        std::printf("one decision: %.1f us (mean over %zu, learned history in the profiles)\n", us / (3 * dev_items.size()), n);
    }

    // "non" sentences sent to their topic's dialogue: not scored, shown for what they become.
    std::size_t in = 0, out = 0, rev = 0;
    router r(taught, defaults);
    for (const auto& s : dev) {
        if (s.label != "non" || !dialogue_of_topic.contains(s.topic)) continue;
        auto d = r.decide(item{"proposal", dialogue_of_topic.at(s.topic), s.text, std::nullopt});
        (d.result == outcome::in_purpose ? in : d.result == outcome::needs_review ? rev : out)++;
    }
    std::printf("dev 'non' sentences, defaults: %zu in purpose, %zu outside, %zu review\n", in, out, rev);
    return 0;
}
