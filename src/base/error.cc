#include "vigie/base/error.h"

#include <array>


namespace vigie {
namespace {

struct CodeInfo {
  std::string_view name;
  std::string_view doc;
};

constexpr std::array kCodeInfo = {
#define VIGIE_INFO_ENTRY(e, name, doc) CodeInfo{name, doc},
    VIGIE_ERROR_CODES(VIGIE_INFO_ENTRY)
#undef VIGIE_INFO_ENTRY
};

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) {
  auto i = static_cast<size_t>(code);
  return i < kCodeInfo.size() ? kCodeInfo[i].name : "unknown";
}

std::string_view ErrorCodeDoc(ErrorCode code) {
  auto i = static_cast<size_t>(code);
  return i < kCodeInfo.size() ? kCodeInfo[i].doc : "unknown";
}

}  // namespace vigie
