// Lines of the text files of an acquisition, cut as MVT's Python cuts them
// (str.splitlines: also at \v, \f, \x1c-\x1e, U+0085, U+2028 and U+2029),
// so that records line up with MVT's. Private to the check library.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigie::check {

std::vector<std::string_view> SplitLines(std::string_view text);
/// Python's str.strip(): ASCII whitespace at both ends.
std::string_view Trim(std::string_view s);
/// Python's str.split(): runs of whitespace, none empty.
std::vector<std::string_view> Words(std::string_view s);

/// Links in a message: "http://" or "https://" (any case) to the next
/// whitespace, as MVT's pattern finds them.
std::vector<std::string> FindLinks(std::string_view text);

}  // namespace vigie::check
