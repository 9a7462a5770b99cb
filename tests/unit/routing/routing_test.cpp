#define BOOST_TEST_MODULE routing
#include <boost/test/unit_test.hpp>

#include <random>

#include "routing/duplicates.hpp"
#include "routing/routing.hpp"

using namespace inspel;
using namespace inspel::routing;

namespace {

dialogue_profile cycling() {
    dialogue_profile d;
    d.id = 1;
    d.slug = "cykel";
    d.texts = {"Cykelvägar i centrum",
               "Kommunen vill veta var cykelvägar, cykelparkering och cykelbanor behöver byggas eller förbättras "
               "så att fler kan cykla säkert till skola och arbete."};
    d.keywords = {"cykel", "cykelväg", "cykelparkering"};
    d.areas = {"Centrum"};
    d.outside.action = dialogue::outside_action::forward_to_department;
    d.outside.department = "Samhällsbyggnadsförvaltningen";
    d.outside.notice = "Ditt förslag gäller inte cykelvägar; vi skickar det till samhällsbyggnad.";
    return d;
}

dialogue_profile library() {
    dialogue_profile d;
    d.id = 2;
    d.slug = "bibliotek";
    d.texts = {"Bibliotekets öppettider",
               "Vilka öppettider och aktiviteter vill du att biblioteket erbjuder för barn, unga och äldre?"};
    d.keywords = {"bibliotek", "böcker", "läsning"};
    d.outside.action = dialogue::outside_action::forward_to_feedback;
    d.outside.notice = "Det du skrev gäller inte biblioteket; det går till vanlig synpunktshantering.";
    return d;
}

item sent(std::int64_t dialogue, std::string text, std::string kind = "proposal") {
    return item{std::move(kind), dialogue, std::move(text), std::nullopt};
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_item_on_the_purpose_is_in_purpose_with_its_terms) {
    router r({cycling(), library()});
    auto d = r.decide(sent(1, "Bygg en säker cykelväg till skolan och mer cykelparkering vid stationen"));
    BOOST_TEST(to_string(d.result) == "in_purpose");
    BOOST_TEST(*d.dialogue == 1);
    BOOST_TEST(*d.score >= r.limits().accept);
    BOOST_TEST(d.explanation["rule"] == "score_at_or_above_accept");
    BOOST_TEST(d.explanation["version"] == std::string(version));
    auto terms = d.explanation["terms"].dump();
    BOOST_TEST(terms.find("cykelparkering") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_item_off_the_purpose_gets_the_dialogues_rule) {
    router r({cycling(), library()});
    auto d = r.decide(sent(1, "Soptunnorna töms för sällan och det luktar illa i hela kvarteret"));
    BOOST_TEST(to_string(d.result) == "outside_purpose");
    BOOST_TEST(*d.action == "forward_to_department");
    BOOST_TEST(*d.department == "Samhällsbyggnadsförvaltningen");
    BOOST_TEST(d.notice->find("cykelvägar") != std::string::npos);
    BOOST_TEST(d.explanation["rule"] == "score_below_reject");
    BOOST_TEST(d.explanation["notice"] == *d.notice);
}

BOOST_AUTO_TEST_CASE(thresholds_leave_an_uncertain_band_for_review) {
    // The same item, judged with the band placed below, around and above its score.
    auto it = sent(1, "Cykla till stationen är svårt när snön ligger kvar på gatorna hela vintern");
    double s = router({cycling(), library()}).score(it, 1);
    BOOST_TEST(s > 0.0);
    BOOST_TEST(s < 1.0);
    thresholds around;
    around.accept = s + 0.05;
    around.reject = s - 0.05;
    BOOST_TEST(to_string(router({cycling(), library()}, around).decide(it).result) == "needs_review");
    BOOST_TEST(router({cycling(), library()}, around).decide(it).explanation["rule"] == "uncertain_band");
    thresholds below = around;
    below.accept = s;
    below.reject = s - 0.1;
    BOOST_TEST(to_string(router({cycling(), library()}, below).decide(it).result) == "in_purpose");
    thresholds above = around;
    above.accept = s + 0.2;
    above.reject = s + 0.1;
    BOOST_TEST(to_string(router({cycling(), library()}, above).decide(it).result) == "outside_purpose");
}

BOOST_AUTO_TEST_CASE(a_panel_response_is_in_purpose_by_definition) {
    router r({cycling(), library()});
    auto d = r.decide(sent(1, "Soptunnor", "panel_response"));
    BOOST_TEST(to_string(d.result) == "in_purpose");
    BOOST_TEST(d.explanation["rule"] == "panel_response");
}

BOOST_AUTO_TEST_CASE(a_clearly_better_dialogue_elsewhere_makes_it_outside_with_a_suggestion) {
    thresholds t;
    t.accept = 0.2;
    t.reject = 0.05;
    router r({cycling(), library()}, t);
    auto d = r.decide(sent(1, "Biblioteket borde ha längre öppettider och fler böcker för barn och unga i centrum cykla"));
    BOOST_TEST(to_string(d.result) == "outside_purpose");
    BOOST_TEST(*d.action == "forward_to_department");
    BOOST_TEST(d.explanation["suggested"] == "bibliotek");
}

BOOST_AUTO_TEST_CASE(no_dialogue_is_handled_by_kind_and_suggests_a_clear_match) {
    router r({cycling(), library()});
    auto d = r.decide(item{"public_question", std::nullopt, "Varför är biblioteket stängt på söndagar? Öppettider för böcker", {}});
    BOOST_TEST(to_string(d.result) == "no_dialogue");
    BOOST_TEST(*d.action == "council_queue");
    BOOST_TEST(*d.dialogue == 2);
    BOOST_TEST(d.explanation["rule"] == "no_dialogue.suggested");

    auto none = r.decide(item{"feedback", std::nullopt, "Tack för en fin sommarfest i parken", {}});
    BOOST_TEST(to_string(none.result) == "no_dialogue");
    BOOST_TEST(*none.action == "feedback_handling");
    BOOST_TEST(!none.dialogue);

    // A closed dialogue is never suggested.
    auto closed = library();
    closed.open = false;
    auto d2 = router({cycling(), closed}).decide(item{"proposal", std::nullopt, "Biblioteket öppettider böcker", {}});
    BOOST_TEST(!d2.dialogue);
}

BOOST_AUTO_TEST_CASE(area_is_evidence) {
    router r({cycling(), library()});
    auto here = sent(1, "Cykla i stan är farligt");
    here.area = "centrum";
    auto there = here;
    there.area = "Norrby";
    BOOST_TEST(*r.decide(here).score > *r.decide(there).score);
}

BOOST_AUTO_TEST_CASE(learns_from_confirmations_and_corrections) {
    auto it = sent(1, "Belysning längs promenadstråket vid ån saknas helt och det känns otryggt på kvällen");
    auto d = cycling();
    double before = router({d, library()}).score(it, 1);

    // An official confirmed a similar item as in purpose: the profile learns its words.
    d.confirmed = {"Bättre belysning längs stråket vid ån, det är otryggt på kvällen"};
    double after = router({d, library()}).score(it, 1);
    BOOST_TEST(after > before);

    // An official moved a near copy OUT of the dialogue: the same text is now judged outside.
    auto e = cycling();
    e.rejected = {"Belysning längs promenadstråket vid ån saknas, otryggt på kvällen"};
    thresholds lenient;
    lenient.reject = 0.0;
    lenient.accept = 0.99;
    BOOST_TEST(to_string(router({cycling(), library()}, lenient).decide(it).result) == "needs_review");
    auto decided = router({e, library()}, lenient).decide(it);
    BOOST_TEST(to_string(decided.result) == "outside_purpose");
    BOOST_TEST(decided.explanation["rule"] == "learned_outside");
}

BOOST_AUTO_TEST_CASE(other_languages_use_their_own_stemmer) {
    dialogue_profile d;
    d.id = 7;
    d.slug = "parks";
    d.language = "en";
    d.texts = {"Parks and playgrounds", "Tell us how the playgrounds in our parks should be renewed"};
    dialogue_profile e;
    e.id = 8;
    e.slug = "buses";
    e.language = "en";
    e.texts = {"Bus routes", "Which bus routes and timetables should change next year?"};
    router r({d, e});
    // "renewing", "playground" and "parks" stem to the profile's "renew", "playground" and "park".
    auto decided = r.decide(sent(7, "Renewing the playground in the park"));
    BOOST_TEST(to_string(decided.result) == "in_purpose");
}

BOOST_AUTO_TEST_CASE(an_item_without_content_words_goes_to_review) {
    router r({cycling()});
    BOOST_TEST(to_string(r.decide(sent(1, "och det är så")).result) == "needs_review");
}

BOOST_AUTO_TEST_CASE(near_duplicates_are_found_and_others_are_not) {
    std::string letter = "Vi boende på Storgatan kräver att kommunen bygger en säker cykelväg mellan skolan och "
                         "idrottshallen innan nästa läsår, eftersom barnen i dag cyklar i blandtrafik.";
    recent_shingles recent(3, duplicate_resemblance);
    recent_shingles::group cycling = 1, none = std::nullopt;
    recent.add(cycling, 10, shingles("Bygg fler parkeringsplatser vid torget."));
    recent.add(cycling, 11, shingles("Hej! " + letter + " Med vänlig hälsning Anna"));
    BOOST_TEST(recent.resembling(cycling, shingles(letter + " Hälsningar Per")) ==
               std::vector<std::int64_t>{11});
    BOOST_TEST(recent.resembling(cycling, shingles("Kommunen borde bygga en cykelväg mellan skolan och hallen.")).empty());
    BOOST_TEST(recent.resembling(none, shingles(letter)).empty());  // groups are apart
    BOOST_TEST(!recent.knows(none));

    // A window of three: the fourth item pushes the oldest out.
    recent.add(cycling, 12, shingles("Snöröjningen på cykelvägarna kommer för sent på morgonen."));
    recent.add(cycling, 13, shingles("Fler papperskorgar längs cykelvägen vid ån, tack."));
    BOOST_TEST(recent.resembling(cycling, shingles("Bygg fler parkeringsplatser vid torget.")).empty());
    BOOST_TEST(recent.resembling(cycling, shingles(letter)) == std::vector<std::int64_t>{11});

    // An id at or below the last one can only follow a rollback: the rolled-back item is forgotten.
    recent.add(cycling, 13, shingles("Något helt annat om bibliotekets öppettider på lördagar."));
    BOOST_TEST(recent.resembling(cycling, shingles("Fler papperskorgar längs cykelvägen vid ån, tack.")).empty());

    BOOST_TEST(resemblance(shingles("a b c d"), shingles("a b c d")) == 1.0);
    BOOST_TEST(resemblance(shingles(""), shingles("a b c")) == 0.0);
}

// The inverted index only narrows the search; what it returns must be exactly what comparing with
// every item of the window gives, however common or rare the shared phrases are.
BOOST_AUTO_TEST_CASE(near_duplicates_match_a_comparison_with_every_item) {
    std::mt19937 random(7);
    // Small vocabularies make many shared shingles; each text repeats an earlier one with edits,
    // so resemblances fall on both sides of the threshold.
    std::vector<std::string> vocabulary;
    for (int i = 0; i < 40; ++i) vocabulary.push_back("ord" + std::to_string(i));
    auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random); };
    std::vector<std::vector<std::string>> texts;
    recent_shingles recent(50, duplicate_resemblance);
    std::vector<std::pair<std::int64_t, std::vector<std::uint64_t>>> window;
    std::size_t found = 0;
    for (std::int64_t id = 1; id <= 400; ++id) {
        std::vector<std::string> words;
        if (!texts.empty() && pick(2) == 0) {
            words = texts[texts.size() - 1 - pick(std::min<std::size_t>(texts.size(), 50))];
            for (std::size_t edits = pick(6); edits > 0; --edits) words[pick(words.size())] = vocabulary[pick(vocabulary.size())];
        } else {
            for (std::size_t n = 3 + pick(15); n > 0; --n) words.push_back(vocabulary[pick(vocabulary.size())]);
        }
        texts.push_back(words);
        std::string text;
        for (const auto& w : words) text += w + " ";
        auto mine = shingles(text);

        std::vector<std::int64_t> expected;
        for (const auto& [other, theirs] : window)
            if (resemblance(mine, theirs) >= duplicate_resemblance) expected.push_back(other);
        BOOST_TEST(recent.resembling(7, mine) == expected);
        found += expected.size();

        recent.add(7, id, mine);
        window.emplace_back(id, mine);
        if (window.size() > 50) window.erase(window.begin());
    }
    BOOST_TEST_MESSAGE("near-duplicates found: " << found);
    BOOST_TEST(found > 40u);  // else the comparison above proved little
}
