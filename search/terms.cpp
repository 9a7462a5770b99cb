#include "search/terms.hpp"

#include <unicode/normalizer2.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <map>
#include <set>

namespace inspel::search {

namespace {

// True when every character is ASCII or one of å ä ö Å Ä Ö, which is nearly all Swedish text:
// such text needs no folding and lower-cases byte by byte, without a trip through ICU.
bool plain_swedish(std::string_view utf8) {
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        auto c = static_cast<unsigned char>(utf8[i]);
        if (c < 0x80) continue;
        if (c != 0xC3 || i + 1 >= utf8.size()) return false;
        auto d = static_cast<unsigned char>(utf8[++i]);
        if (d != 0xA5 && d != 0xA4 && d != 0xB6 && d != 0x85 && d != 0x84 && d != 0x96) return false;
    }
    return true;
}

}  // namespace

std::string fold_accents(std::string_view utf8) {
    if (plain_swedish(utf8)) return std::string(utf8);
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
    if (U_FAILURE(err)) return std::string(utf8);
    icu::UnicodeString in = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    icu::UnicodeString decomposed = nfd->normalize(in, err);
    if (U_FAILURE(err)) return std::string(utf8);
    icu::UnicodeString out;
    UChar32 base = 0;
    for (int32_t i = 0; i < decomposed.length();) {
        UChar32 c = decomposed.char32At(i);
        i += U16_LENGTH(c);
        if (u_getCombiningClass(c) == 0) {
            base = c;
            out.append(c);
            continue;
        }
        UChar32 b = u_tolower(base);
        // Kept: a+ring (å), a+diaeresis (ä), o+diaeresis (ö). Everything else is a variant.
        bool keep = (b == 'a' && (c == 0x030A || c == 0x0308)) || (b == 'o' && c == 0x0308);
        if (keep) out.append(c);
    }
    icu::UnicodeString composed = nfc->normalize(out, err);
    if (U_FAILURE(err)) return std::string(utf8);
    std::string result;
    composed.toUTF8String(result);
    return result;
}

std::string lower(std::string_view utf8) {
    if (plain_swedish(utf8)) {
        std::string out(utf8);
        for (std::size_t i = 0; i < out.size(); ++i) {
            auto c = static_cast<unsigned char>(out[i]);
            if (c >= 'A' && c <= 'Z') out[i] = static_cast<char>(c + 32);
            // Å Ä Ö (C3 85, C3 84, C3 96) to å ä ö (C3 A5, C3 A4, C3 B6).
            if (c == 0xC3 && i + 1 < out.size()) {
                auto d = static_cast<unsigned char>(out[i + 1]);
                if (d == 0x85 || d == 0x84 || d == 0x96) out[i + 1] = static_cast<char>(d + 0x20);
                ++i;
            }
        }
        return out;
    }
    icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    s.toLower(icu::Locale::getRoot());
    std::string out;
    s.toUTF8String(out);
    return out;
}

namespace {
const std::map<std::string_view, const char*>& stemmers() {
    // ISO 639-1 codes of the languages Xapian 1.4 stems.
    static const std::map<std::string_view, const char*> m = {
        {"ar", "arabic"},  {"hy", "armenian"},   {"eu", "basque"},    {"ca", "catalan"}, {"da", "danish"},
        {"nl", "dutch"},   {"en", "english"},    {"fi", "finnish"},   {"fr", "french"},  {"de", "german"},
        {"hu", "hungarian"}, {"id", "indonesian"}, {"ga", "irish"},   {"it", "italian"}, {"lt", "lithuanian"},
        {"ne", "nepali"},  {"nb", "norwegian"},  {"nn", "norwegian"}, {"no", "norwegian"}, {"pt", "portuguese"},
        {"ro", "romanian"}, {"ru", "russian"},   {"es", "spanish"},   {"sv", "swedish"}, {"ta", "tamil"},
        {"tr", "turkish"},
    };
    return m;
}
}  // namespace

// Snowball's Swedish stemmer leaves three common inflections alone, so a resident's "skolan"
// (the school) never meets an official's "skolor" (schools). After Snowball this also strips
// the definite endings -an (skolan -> skol) and -et (huset -> hus), and the e of a final -el or
// -eln (cykeln, cykel -> cykl, like cyklar). Stems are only shortened when at least three
// letters remain, which keeps short words such as "plan" and "vet" whole.
class swedish_stemmer : public Xapian::StemImplementation {
public:
    std::string operator()(const std::string& word) override {
        std::string s = snowball_(word);
        auto ends = [&](std::string_view suffix) {
            return s.size() >= suffix.size() + 3 && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
        };
        // Only where Snowball found no suffix of its own: "cykelbanan" is already "cykelban".
        bool untouched = s == word;
        if (untouched && (ends("an") || ends("et"))) {
            s.resize(s.size() - 2);
        } else if (untouched && ends("eln")) {
            s.resize(s.size() - 1);
        }
        if (ends("el") && !is_vowel(s[s.size() - 3])) s.erase(s.size() - 2, 1);
        return s;
    }
    std::string get_description() const override { return "swedish+definite"; }

private:
    static bool is_vowel(char c) { return std::string_view("aeiouy").find(c) != std::string_view::npos; }
    Xapian::Stem snowball_{"swedish"};
};

std::vector<std::string> words_of(std::string_view utf8) {
    std::vector<std::string> out;
    std::string folded = fold_accents(utf8), word;
    for (Xapian::Utf8Iterator i(folded); i != Xapian::Utf8Iterator(); ++i) {
        if (Xapian::Unicode::is_wordchar(*i)) {
            Xapian::Unicode::append_utf8(word, Xapian::Unicode::tolower(*i));
        } else if (!word.empty()) {
            out.push_back(std::move(word));
            word.clear();
        }
    }
    if (!word.empty()) out.push_back(std::move(word));
    return out;
}

bool is_stop_word(std::string_view word) {
    // Swedish first, then English: the languages residents write in most. Other languages lean
    // on idf alone.
    static const std::set<std::string, std::less<>> words = {
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
    return words.contains(word);
}

bool has_stemmer(std::string_view language) { return stemmers().count(language) > 0; }

Xapian::Stem stemmer_for(std::string_view language) {
    // Building a Snowball stemmer allocates its tables, and the indexer asks once per document. A
    // stemmer keeps state while it stems, so each thread has its own.
    thread_local std::map<std::string, Xapian::Stem, std::less<>> made;
    if (auto m = made.find(language); m != made.end()) return m->second;
    auto it = stemmers().find(language);
    Xapian::Stem stem = it == stemmers().end() || language == "sv" ? Xapian::Stem(new swedish_stemmer) : Xapian::Stem(it->second);
    // Unknown codes all share the Swedish one rather than growing the cache without bound.
    made.emplace(it == stemmers().end() ? std::string("sv") : std::string(language), stem);
    return stem;
}

}  // namespace inspel::search
