// SHA-256 for the manifest's checksums, computed while the files are written.
//
// An export writes over a gigabyte a night for a large dialogue; libsodium's portable SHA-256 does
// some 350 MB/s on the machines Inspel runs on, which made the checksums alone cost seconds. x86-64
// processors since about 2017 (Intel Goldmont and Ice Lake, AMD Zen) have SHA instructions that do
// several GB/s; this uses them when the processor has them and libsodium otherwise. The digests are
// the same either way (tests compare the two).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace inspel::exporting {

class sha256 {
public:
    sha256();
    ~sha256();
    sha256(const sha256&);
    sha256& operator=(const sha256&) = delete;

    void update(const void* data, std::size_t n);
    void update(std::string_view s) { update(s.data(), s.size()); }
    // The digest of everything so far, as lower-case hex; the object may go on being updated.
    std::string hex() const;

    // Whether this processor has the SHA instructions (else libsodium does the work).
    static bool hardware();
    // For tests: the same digest computed by libsodium alone.
    static std::string hex_portable(std::string_view data);

private:
    struct state;
    std::unique_ptr<state> s_;
};

}  // namespace inspel::exporting
