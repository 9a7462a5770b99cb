#include "search/index.hpp"

#include <xapian.h>

#include <unistd.h>

namespace inspel::search {

index::index(const std::filesystem::path& data_dir) : dir_(data_dir / "index") {
    db_ = std::make_unique<Xapian::WritableDatabase>(dir_.string(), Xapian::DB_CREATE_OR_OPEN);
}

index::~index() = default;

bool index::ready() const { return db_ && ::access(dir_.c_str(), W_OK) == 0; }

}  // namespace inspel::search
