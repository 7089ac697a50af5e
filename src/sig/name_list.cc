#include "vigie/sig/name_list.h"

#include <algorithm>

namespace vigie::sig {

size_t NameList::IndexOfEnd(uint64_t end) const {
  return static_cast<size_t>(std::lower_bound(ends_.begin(), ends_.end(), end) - ends_.begin());
}

}  // namespace vigie::sig
