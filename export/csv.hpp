// RFC 4180 CSV: fields separated by commas, records by CRLF, a field quoted (with inner quotes
// doubled) when it holds a comma, a quote, CR or LF. The file starts with a UTF-8 BOM so that Excel
// reads å ä ö. A text field starting with = + - @ or a tab is prefixed with an apostrophe, so a
// spreadsheet never runs a resident's text as a formula (CSV injection).
#pragma once

#include "export/files.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace inspel::exporting {

// The field as it appears in the file (quoted and defused as above), appended to `line`.
void append_csv_field(std::string& line, std::string_view field, bool numeric);

class csv_writer {
public:
    explicit csv_writer(output_file& out);  // writes the BOM
    // One record; `numeric` fields are written as they are (never prefixed).
    void row(const std::vector<std::string>& fields, const std::vector<bool>& numeric = {});

    // A record field by field, with no vector of copies: field() for each, then end_row().
    void field(std::string_view value, bool numeric = false) {
        if (!first_) line_ += ',';
        first_ = false;
        append_csv_field(line_, value, numeric);
    }
    void end_row();

private:
    output_file& out_;
    std::string line_;
    bool first_ = true;
};

}  // namespace inspel::exporting
