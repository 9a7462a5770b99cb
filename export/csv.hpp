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

class csv_writer {
public:
    explicit csv_writer(output_file& out);  // writes the BOM
    // One record; `numeric` fields are written as they are (never prefixed).
    void row(const std::vector<std::string>& fields, const std::vector<bool>& numeric = {});

private:
    output_file& out_;
    std::string line_;
};

// The field as it appears in the file (quoted and defused as above).
void append_csv_field(std::string& line, std::string_view field, bool numeric);

}  // namespace inspel::exporting
