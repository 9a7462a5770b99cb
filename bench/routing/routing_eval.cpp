// routing-eval: how well the triage decision (routing/) separates in-purpose from outside items.
//
// Data: /work/shared/data/superlim2-sv does not exist on this machine, so this program builds its
// dialogues and items from the seed documents (a folder of .txt files, default /work/shared/seeds):
// each document is one dialogue whose purpose is its first substantial paragraph; its other
// paragraphs (at least `min_words` words) are in-purpose items, and paragraphs of the other
// documents sent to it are outside items. Paragraphs alternate between a train and a dev split;
// the thresholds are chosen on train (highest accuracy of automatic decisions with at most 15% sent
// to review) and the figures are reported on dev. It calls the decision logic directly, not the
// HTTP API.
//
// Usage: routing_eval [--seeds DIR] [--max-items N]
#include "routing/routing.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace inspel::routing;

namespace {

struct example {
    std::int64_t dialogue;
    std::string text;
    bool in_purpose;
};

std::vector<std::string> paragraphs(const std::filesystem::path& p, std::size_t min_words) {
    std::ifstream in(p);
    std::string line, cur;
    std::vector<std::string> out;
    auto flush = [&] {
        std::istringstream w(cur);
        std::size_t n = 0;
        for (std::string x; w >> x;) ++n;
        if (n >= min_words) out.push_back(cur);
        cur.clear();
    };
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) flush();
        else cur += (cur.empty() ? "" : " ") + line;
    }
    flush();
    return out;
}

struct figures {
    double automatic = 0, accuracy = 0, review = 0, out_precision = 0, out_recall = 0;
    std::size_t n = 0;
};

figures evaluate(const std::vector<dialogue_profile>& ds, const std::vector<example>& xs, thresholds t) {
    router r(ds, t);
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
    f.automatic = xs.empty() ? 0 : double(automatic) / xs.size();
    f.accuracy = automatic ? double(right) / automatic : 0;
    f.review = xs.empty() ? 0 : double(review) / xs.size();
    f.out_precision = out_pred ? double(out_right) / out_pred : 0;
    f.out_recall = out_true ? double(out_right) / out_true : 0;
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    std::filesystem::path seeds = "/work/shared/seeds";
    std::size_t max_items = 100000, min_words = 15;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--seeds") seeds = argv[i + 1];
        else if (a == "--max-items") max_items = std::stoul(argv[i + 1]);
        else {
            std::fprintf(stderr, "usage: routing_eval [--seeds DIR] [--max-items N]\n");
            return 2;
        }
    }
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(seeds))
        if (e.path().extension() == ".txt") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    if (files.size() < 2) {
        std::fprintf(stderr, "routing_eval: need at least two .txt documents in %s\n", seeds.c_str());
        return 2;
    }

    std::vector<dialogue_profile> ds;
    std::vector<std::vector<std::string>> paras;
    for (std::size_t i = 0; i < files.size(); ++i) {
        auto ps = paragraphs(files[i], min_words);
        if (ps.size() < 3) continue;
        dialogue_profile d;
        d.id = static_cast<std::int64_t>(ds.size() + 1);
        d.slug = files[i].stem().string();
        d.texts = {ps.front()};
        d.outside.action = inspel::dialogue::outside_action::forward_to_feedback;
        ds.push_back(d);
        paras.emplace_back(ps.begin() + 1, ps.end());
    }
    std::vector<example> train, dev;
    for (std::size_t i = 0; i < ds.size(); ++i) {
        for (std::size_t k = 0; k < paras[i].size(); ++k) {
            auto& split = k % 2 == 0 ? train : dev;
            if (split.size() >= max_items) continue;
            split.push_back({ds[i].id, paras[i][k], true});
            // The same number of outside items: a paragraph of another document, sent to this dialogue.
            const auto& other = paras[(i + 1 + k % (ds.size() - 1)) % ds.size()];
            if (!other.empty()) split.push_back({ds[i].id, other[k % other.size()], false});
        }
    }

    thresholds best;
    double best_acc = -1;
    for (double accept = 0.05; accept <= 0.6; accept += 0.01)
        for (double reject = 0.0; reject <= accept; reject += 0.01) {
            thresholds t;
            t.accept = accept;
            t.reject = reject;
            auto f = evaluate(ds, train, t);
            if (f.review <= 0.15 && f.accuracy > best_acc) best_acc = f.accuracy, best = t;
        }
    auto report = [&](const char* name, const figures& f) {
        std::printf("%-6s items %4zu  automatic %5.1f%%  accuracy of automatic %5.1f%%  review %5.1f%%  "
                    "outside precision %5.1f%% recall %5.1f%%\n",
                    name, f.n, 100 * f.automatic, 100 * f.accuracy, 100 * f.review, 100 * f.out_precision,
                    100 * f.out_recall);
    };
    std::printf("routing-eval (%s), data: FALLBACK seed documents in %s (superlim2-sv not present): %zu dialogues\n",
                std::string(version).c_str(), seeds.c_str(), ds.size());
    std::printf("defaults accept %.2f reject %.2f\n", thresholds{}.accept, thresholds{}.reject);
    report("train", evaluate(ds, train, {}));
    report("dev", evaluate(ds, dev, {}));
    std::printf("tuned on train: accept %.2f reject %.2f\n", best.accept, best.reject);
    report("train", evaluate(ds, train, best));
    report("dev", evaluate(ds, dev, best));
    return 0;
}
