// How Inspel's items become Xapian documents: the term-prefix scheme.
//
// One Xapian document per submission, identified by the unique term Q<submission id>, so
// re-indexing an item is replace_document("Q17", doc): idempotent, which is what lets the
// indexer replay its outbox after a crash without doubling anything.
//
// Free-text terms (from the REDACTED title and body only; personal data is never indexed):
//   (none)   body and title words, lower-cased, with positions (for phrases and wildcards), plus
//            Z-prefixed stems without positions (queries are lower-cased too and parsed with
//            STEM_SOME, so every word outside a phrase matches by its stem)
//   S        title words ("title:" in queries), plus ZS stems
// Boolean filter terms (exact, lower case, never stemmed):
//   K        kind              (proposal, feedback, panel_response, public_question)   "kind:"
//   XD       dialogue slug                                                             "dialogue:"
//   XS       status            (received, in_progress, answered, closed, rejected)     "status:"
//   XT       tag                                                                       "tag:"
//   XA       area (district), folded to lower case                                     "area:"
//   XR       routing outcome   (in_purpose, outside_purpose, needs_review, no_dialogue) "routing:"
//   XM       received month    YYYYMM
//   L        item language     (sv, en, ...)
// Values (for sorting, ranges and facet counts):
//   0 received_at (ISO-8601 UTC, sorts as text)
//   1 facets: kind, dialogue slug, status, tags (each followed by '\n'), routing outcome, area
//     (lower case), month (YYYY-MM), in that order, each field ended by '\x1f'. One value, because
//     counting facets reads it for thousands of documents per query and each slot is a lookup.
// Ranking: BM25 (k1 1.2, b 0.75), with the document-length part computed when the document is
// indexed. A term's wdf is its BM25-normalised frequency, tf / (1 - b + b * length / 100), times
// 16 and rounded (length: the document's words, title words twice, as ranked; 100 words is a
// typical submission). Searches then weigh with BM25 at b = 0, which never asks Xapian for a
// document's length: on a large index, those lookups scan the whole document-length list for
// every word searched, and were most of a common word's search time (docs/BENCHMARKS.md).
// Unlike a length averaged over the index, the constant 100 makes a document's weights depend on
// nothing but itself, so `reindex` and incremental indexing give the same ranking. The same holds
// for the words' own terms, which phrases and wildcards match, so such a match weighs as much as
// a stem match (a word's positions already count one each, so its wdf is raised to the
// normalised one, never lowered: above about 2,000 words it stays slightly higher).
// Metadata "inspel.format" is the version of this scheme; an index of another version is
// re-indexed from the database by the running server (index.cpp).
// Document data: the submission id only. A result page reads its twenty rows from SQLite by
// primary key, which costs less than storing (and compressing) every item's text in the index.
//
// Accents: Swedish treats å, ä and ö as letters of their own (and so do Danish/Norwegian æ ø),
// while other diacritics are spelling variants: é -> e, ü -> u, ç -> c. The same fold_accents()
// runs over indexed text and query text, so "café" finds "cafe" but "får" never finds "far".
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>
#include <vector>

namespace inspel::search {

namespace prefix {
inline constexpr const char* title = "S";
inline constexpr const char* kind = "K";
inline constexpr const char* dialogue = "XD";
inline constexpr const char* status = "XS";
inline constexpr const char* tag = "XT";
inline constexpr const char* area = "XA";
inline constexpr const char* routing = "XR";
inline constexpr const char* month = "XM";
inline constexpr const char* language = "L";
inline constexpr const char* id = "Q";
}  // namespace prefix

namespace bm25 {
inline constexpr double k1 = 1.2;
inline constexpr double b = 0.75;
inline constexpr double reference_length = 100;  // words
inline constexpr double wdf_scale = 16;         // the resolution of a stored normalised frequency
}  // namespace bm25

namespace slot {
inline constexpr Xapian::valueno received_at = 0;
inline constexpr Xapian::valueno facets = 1;
}  // namespace slot

// Folds diacritics that are spelling variants, keeping å ä ö æ ø (see above). UTF-8 in, NFC UTF-8 out.
std::string fold_accents(std::string_view utf8);

// Lower-cases for boolean terms and facet values (areas typed "Centrum" and "centrum" are one).
std::string lower(std::string_view utf8);

// The stemmer for an ISO 639-1 code; Swedish when the language is unknown or has none.
Xapian::Stem stemmer_for(std::string_view language);
// The words of a text as the routing compares them: accents folded (above), lower-cased, split
// where Xapian's word characters end.
std::vector<std::string> words_of(std::string_view utf8);

// Words too common to tell texts apart ("och", "att", "the"), lower-cased; they are left out of
// queries outside phrases and of routing profiles.
bool is_stop_word(std::string_view word);

// True when Xapian has a stemmer for this ISO 639-1 code.
bool has_stemmer(std::string_view language);

// The version of the scheme above; bump it whenever documents are built differently.
inline constexpr std::string_view format = "5";
inline constexpr const char* format_key = "inspel.format";

// The unique id term of a submission.
inline std::string id_term(std::int64_t id) { return std::string(prefix::id) + std::to_string(id); }

}  // namespace inspel::search
