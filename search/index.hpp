// The Xapian index under DATA/index. Issue-by-issue this grows into the indexer that drains
// the outbox; for now it opens (or creates) the database and reports whether it is usable.
#pragma once

#include <filesystem>
#include <memory>

namespace Xapian {
class WritableDatabase;
}

namespace inspel::search {

class index {
public:
    explicit index(const std::filesystem::path& data_dir);
    ~index();
    index(const index&) = delete;
    index& operator=(const index&) = delete;

    // Open, and its directory still writable.
    bool ready() const;
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
    std::unique_ptr<Xapian::WritableDatabase> db_;
};

}  // namespace inspel::search
