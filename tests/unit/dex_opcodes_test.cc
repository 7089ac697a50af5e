// Opcode table tests: sizes against the table Vigie used before, and names,
// sizes, index kinds and operand layouts against smali plus Debian's dexdump.
#include "vigie/format/dex/opcodes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace vigie::dex {
namespace {

namespace fs = std::filesystem;

// Instruction sizes by opcode as kInstructionUnits in dex_file.h spelled them
// before this table existed; the new table must not change a single one.
constexpr uint8_t kLegacyUnits[256] = {
    1, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 1, 1, 1, 1, 1,  // 0x00
    1, 1, 1, 2, 3, 2, 2, 3, 5, 2, 2, 3, 2, 1, 1, 2,  // 0x10
    2, 1, 2, 2, 3, 3, 3, 1, 1, 2, 3, 3, 3, 2, 2, 2,  // 0x20
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1,  // 0x30
    1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  // 0x40
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  // 0x50
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3,  // 0x60
    3, 3, 3, 1, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1,  // 0x70
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  // 0x80
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  // 0x90
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  // 0xa0
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  // 0xb0
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  // 0xc0
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  // 0xd0
    2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  // 0xe0
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 4, 3, 3, 2, 2,  // 0xf0
};

bool InRange(int op, int lo, int hi) { return lo <= op && op <= hi; }

// The opcodes the current dex-format spec lists as unused.
bool SpecUnused(int op) {
  return InRange(op, 0x3e, 0x43) || op == 0x73 || InRange(op, 0x79, 0x7a) ||
         InRange(op, 0xe3, 0xf9);
}

TEST(DexOpcodes, UnitsFollowFormatsAndTheLegacyTable) {
  for (int op = 0; op < 256; ++op) {
    const auto o = static_cast<uint8_t>(op);
    EXPECT_EQ(UnitsOf(o), FormatUnits(kOpcodes[op].format)) << kOpcodes[op].name;
    EXPECT_EQ(UnitsOf(o), kLegacyUnits[op]) << "opcode 0x" << std::hex << op << " "
                                            << kOpcodes[op].name;
    EXPECT_EQ(&Opcode(o), &kOpcodes[op]);
  }
}

TEST(DexOpcodes, UnusedOpcodesAreNamedByNumberAndTakeOneUnit) {
  for (int op = 0; op < 256; ++op) {
    char expected[16];
    std::snprintf(expected, sizeof expected, "unused-%02x", op);
    const OpcodeInfo& info = kOpcodes[op];
    if (SpecUnused(op)) {
      EXPECT_EQ(info.name, expected);
      EXPECT_EQ(info.format, Format::k10x) << info.name;
      EXPECT_EQ(info.index, IndexKind::kNone) << info.name;
      EXPECT_EQ(info.flags, kNoFlags) << info.name;
    } else {
      EXPECT_NE(info.name.substr(0, 7), "unused-") << "opcode 0x" << std::hex << op;
    }
  }
}

TEST(DexOpcodes, FlagsMarkExactlyTheirOpcodes) {
  for (int op = 0; op < 256; ++op) {
    const auto o = static_cast<uint8_t>(op);
    const std::string name(kOpcodes[op].name);
    EXPECT_EQ(HasFlag(o, kInvoke), InRange(op, 0x6e, 0x72) || InRange(op, 0x74, 0x78)) << name;
    EXPECT_EQ(HasFlag(o, kStaticGet), InRange(op, 0x60, 0x66)) << name;
    EXPECT_EQ(HasFlag(o, kConstString), op == 0x1a || op == 0x1b) << name;
  }
  // Spot checks by name, so a shifted row cannot hide behind shifted ranges.
  EXPECT_EQ(kOpcodes[0x6e].name, "invoke-virtual");
  EXPECT_EQ(kOpcodes[0x78].name, "invoke-interface/range");
  EXPECT_EQ(kOpcodes[0x60].name, "sget");
  EXPECT_EQ(kOpcodes[0x66].name, "sget-short");
  EXPECT_EQ(kOpcodes[0x1b].name, "const-string/jumbo");
  EXPECT_FALSE(HasFlag(0xfa, kInvoke));
  EXPECT_FALSE(HasFlag(0xfc, kInvoke));
}

// ---- smali + dexdump oracle ----------------------------------------------

/// One disassembled line of `dexdump -d`.
struct DumpLine {
  uint32_t file_offset = 0;
  std::string name;      ///< Mnemonic, or "packed-switch-data" and the like.
  std::string operands;  ///< Everything after the mnemonic.
};

/// One method body as dexdump lists it.
struct DumpMethod {
  std::string label;  ///< "Opcodes.branches:(I)I"
  uint32_t code_off = 0;
  std::map<uint32_t, DumpLine> lines;  ///< By pc in code units.
};

struct Oracle {
  std::string error;  ///< Why the oracle could not be built; empty on success.
  std::vector<uint8_t> dex;
  std::vector<DumpMethod> methods;
};

std::string RunAndCapture(const std::string& command, int* status) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *status = -1;
    return out;
  }
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  *status = pclose(pipe);
  return out;
}

std::vector<DumpMethod> ParseDexdump(const std::string& text) {
  static const std::regex header(R"(^[0-9a-f]{6}:\s+\|\[([0-9a-f]{6})\] (.*)$)");
  static const std::regex insn(R"(^([0-9a-f]{6}): [0-9a-f. ]*\|([0-9a-f]{4}): (\S+) ?(.*)$)");
  std::vector<DumpMethod> methods;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, header)) {
      methods.push_back({m[2], static_cast<uint32_t>(std::stoul(m[1], nullptr, 16)), {}});
    } else if (std::regex_match(line, m, insn) && !methods.empty()) {
      DumpLine d{static_cast<uint32_t>(std::stoul(m[1], nullptr, 16)), m[3], m[4]};
      methods.back().lines[static_cast<uint32_t>(std::stoul(m[2], nullptr, 16))] = d;
    }
  }
  return methods;
}

// Assembles tests/fixtures/opcodes/Opcodes.smali and disassembles it once for
// all oracle tests. The tools are required, not optional: CI installs them.
const Oracle& GetOracle() {
  static const Oracle oracle = [] {
    Oracle o;
    const fs::path smali =
        fs::path(__FILE__).parent_path().parent_path() / "fixtures/opcodes/Opcodes.smali";
    if (!fs::exists(smali)) {
      o.error = "missing " + smali.string();
      return o;
    }
    const fs::path dir =
        fs::temp_directory_path() / ("vigie_opcodes_test." + std::to_string(getpid()));
    fs::create_directories(dir);
    const fs::path dex = dir / "opcodes.dex";
    // API 28 admits invoke-polymorphic, invoke-custom and the method-handle constants.
    const std::string assemble = "java -cp '/usr/share/java/*' org.jf.smali.Main a --api 28 -o '" +
                                 dex.string() + "' '" + smali.string() + "' 2>&1";
    int status = 0;
    std::string log = RunAndCapture(assemble, &status);
    if (status != 0 || !fs::exists(dex)) {
      o.error = "smali failed (needs java and libsmali-java): " + log;
    } else {
      std::ifstream f(dex, std::ios::binary);
      o.dex.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
      log = RunAndCapture("dexdump -d '" + dex.string() + "' 2>&1", &status);
      if (status != 0) o.error = "dexdump failed (needs the dexdump package): " + log;
      o.methods = ParseDexdump(log);
      if (o.error.empty() && o.methods.empty()) o.error = "dexdump listed no code:\n" + log;
    }
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    return o;
  }();
  return oracle;
}

uint32_t Unit(const std::vector<uint8_t>& dex, uint64_t byte_offset) {
  if (byte_offset + 2 > dex.size()) return 0;
  return dex[byte_offset] | (uint32_t{dex[byte_offset + 1]} << 8);
}

uint32_t U32(const std::vector<uint8_t>& dex, uint64_t byte_offset) {
  return Unit(dex, byte_offset) | (Unit(dex, byte_offset + 2) << 16);
}

/// One instruction found by walking a method's code units with kOpcodes.
struct Walked {
  uint32_t pc = 0;
  uint32_t file_offset = 0;
  std::vector<uint32_t> units;  ///< The instruction's code units.
  bool payload = false;
};

// Walks the insns of the code_item at `code_off`, sizing each instruction by
// UnitsOf and each payload by its header; appends a failure and stops when
// the walk overruns the method.
std::vector<Walked> WalkMethod(const std::vector<uint8_t>& dex, uint32_t code_off,
                               std::string* failure) {
  std::vector<Walked> out;
  const uint32_t insns_size = U32(dex, code_off + 12);
  const uint32_t insns_off = code_off + 16;
  uint32_t pc = 0;
  while (pc < insns_size) {
    const uint32_t first = Unit(dex, insns_off + 2ull * pc);
    const uint8_t op = first & 0xff;
    uint64_t size = UnitsOf(op);
    bool payload = false;
    if (op == 0x00 && (first >> 8) >= 1 && (first >> 8) <= 3) {
      payload = true;
      const uint64_t n = Unit(dex, insns_off + 2ull * (pc + 1));
      if ((first >> 8) == 1) {
        size = 4 + 2 * n;
      } else if ((first >> 8) == 2) {
        size = 2 + 4 * n;
      } else {
        const uint64_t count = U32(dex, insns_off + 2ull * (pc + 2));
        size = 4 + (n * count + 1) / 2;  // n is the element width here.
      }
    }
    if (pc + size > insns_size) {
      *failure = "instruction at pc " + std::to_string(pc) + " runs past insns_size";
      break;
    }
    // A payload keeps only its ident unit: the tests need no more of it.
    Walked w{pc, insns_off + 2 * pc, {first}, payload};
    for (uint64_t i = 1; i < size && !payload; ++i)
      w.units.push_back(Unit(dex, insns_off + 2 * (pc + i)));
    out.push_back(w);
    pc += static_cast<uint32_t>(size);
  }
  return out;
}

// The payload names dexdump prints, by payload ident (high byte of unit 0).
const char* PayloadName(uint32_t ident) {
  switch (ident) {
    case 1: return "packed-switch-data";
    case 2: return "sparse-switch-data";
    default: return "array-data";
  }
}

TEST(DexOpcodesOracle, WalkReachesEveryDexdumpLineWithItsName) {
  const Oracle& o = GetOracle();
  ASSERT_TRUE(o.error.empty()) << o.error;
  std::set<int> seen;
  for (const DumpMethod& m : o.methods) {
    SCOPED_TRACE(m.label);
    std::string failure;
    const std::vector<Walked> walk = WalkMethod(o.dex, m.code_off, &failure);
    EXPECT_TRUE(failure.empty()) << failure;
    std::set<uint32_t> walked_pcs;
    for (const Walked& w : walk) {
      walked_pcs.insert(w.pc);
      auto it = m.lines.find(w.pc);
      ASSERT_NE(it, m.lines.end()) << "walk stopped at pc " << w.pc << ", dexdump did not";
      const DumpLine& line = it->second;
      EXPECT_EQ(line.file_offset, w.file_offset) << "pc " << w.pc;
      if (w.payload) {
        EXPECT_EQ(line.name, PayloadName(w.units[0] >> 8)) << "pc " << w.pc;
        continue;
      }
      const uint8_t op = w.units[0] & 0xff;
      seen.insert(op);
      EXPECT_EQ(kOpcodes[op].name, line.name) << "opcode 0x" << std::hex << int{op};
    }
    for (const auto& [pc, line] : m.lines)
      EXPECT_TRUE(walked_pcs.count(pc)) << "dexdump line at pc " << pc << " (" << line.name
                                        << ") is not an instruction start in the walk";
  }
  // The fixture is meant to hold every defined opcode, so the oracle vouches
  // for the whole table, not a sample of it.
  for (int op = 0; op < 256; ++op) {
    if (!SpecUnused(op)) {
      EXPECT_TRUE(seen.count(op)) << kOpcodes[op].name << " not exercised";
    }
  }
}

TEST(DexOpcodesOracle, PayloadSizesMatchDexdump) {
  const Oracle& o = GetOracle();
  ASSERT_TRUE(o.error.empty()) << o.error;
  static const std::regex units_re(R"(^\((\d+) units\)$)");
  int payloads = 0;
  for (const DumpMethod& m : o.methods) {
    std::string failure;
    const std::vector<Walked> walk = WalkMethod(o.dex, m.code_off, &failure);
    for (size_t i = 0; i < walk.size(); ++i) {
      if (!walk[i].payload) continue;
      ++payloads;
      const uint32_t end = i + 1 < walk.size() ? walk[i + 1].pc : U32(o.dex, m.code_off + 12);
      std::smatch sm;
      const std::string& operands = m.lines.at(walk[i].pc).operands;
      ASSERT_TRUE(std::regex_match(operands, sm, units_re)) << operands;
      EXPECT_EQ(std::stoul(sm[1]), end - walk[i].pc) << m.label;
    }
  }
  EXPECT_EQ(payloads, 3);  // packed-switch, sparse-switch and fill-array-data
}

// What dexdump's operand text says about the index operand.
IndexKind PrintedIndexKind(const std::string& operands) {
  static const std::regex kind_re(R"(\b(string|type|field|method|call_site|method_handle|proto)@)");
  std::smatch m;
  if (!std::regex_search(operands, m, kind_re)) return IndexKind::kNone;
  static const std::map<std::string, IndexKind> kinds = {
      {"string", IndexKind::kString},       {"type", IndexKind::kType},
      {"field", IndexKind::kField},         {"method", IndexKind::kMethod},
      {"call_site", IndexKind::kCallSite}, {"method_handle", IndexKind::kMethodHandle},
      {"proto", IndexKind::kProto}};
  return kinds.at(m[1]);
}

TEST(DexOpcodesOracle, IndexKindsMatchDexdump) {
  const Oracle& o = GetOracle();
  ASSERT_TRUE(o.error.empty()) << o.error;
  for (const DumpMethod& m : o.methods) {
    std::string failure;
    for (const Walked& w : WalkMethod(o.dex, m.code_off, &failure)) {
      if (w.payload) continue;
      const DumpLine& line = m.lines.at(w.pc);
      EXPECT_EQ(kOpcodes[w.units[0] & 0xff].index, PrintedIndexKind(line.operands))
          << line.name << " " << line.operands;
    }
  }
}

int64_t SignExtend(uint64_t v, int bits) {
  const uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((v ^ sign) - sign);
}

/// Operands decoded from code units by format, in the order dexdump prints them.
struct Decoded {
  std::vector<uint32_t> registers;
  std::optional<int64_t> branch;  ///< Relative, in code units.
  bool literal = false;
  /// The literal's value where the format alone fixes it (21h depends on
  /// whether the opcode is wide, so it is checked from the printed type).
  std::optional<int64_t> value;
};

Decoded DecodeByFormat(Format f, const std::vector<uint32_t>& u) {
  Decoded d;
  const uint32_t a4 = (u[0] >> 8) & 0xf, b4 = u[0] >> 12, aa = u[0] >> 8;
  auto list35 = [&] {
    const uint32_t regs[] = {u[2] & 0xf, (u[2] >> 4) & 0xf, (u[2] >> 8) & 0xf, u[2] >> 12, a4};
    for (uint32_t i = 0; i < b4 && i < 5; ++i) d.registers.push_back(regs[i]);
  };
  auto range = [&] {
    for (uint32_t i = 0; i < aa; ++i) d.registers.push_back(u[2] + i);
  };
  switch (f) {
    case Format::k10x: break;
    case Format::k12x: d.registers = {a4, b4}; break;
    case Format::k11n: d.registers = {a4}; d.literal = true; d.value = SignExtend(b4, 4); break;
    case Format::k11x: d.registers = {aa}; break;
    case Format::k10t: d.branch = SignExtend(aa, 8); break;
    case Format::k20t: d.branch = SignExtend(u[1], 16); break;
    case Format::k22x: d.registers = {aa, u[1]}; break;
    case Format::k21t: d.registers = {aa}; d.branch = SignExtend(u[1], 16); break;
    case Format::k21s: d.registers = {aa}; d.literal = true; d.value = SignExtend(u[1], 16); break;
    case Format::k21h: d.registers = {aa}; d.literal = true; break;
    case Format::k21c: d.registers = {aa}; break;
    case Format::k23x: d.registers = {aa, u[1] & 0xff, u[1] >> 8}; break;
    case Format::k22b:
      d.registers = {aa, u[1] & 0xff};
      d.literal = true;
      d.value = SignExtend(u[1] >> 8, 8);
      break;
    case Format::k22t: d.registers = {a4, b4}; d.branch = SignExtend(u[1], 16); break;
    case Format::k22s:
      d.registers = {a4, b4};
      d.literal = true;
      d.value = SignExtend(u[1], 16);
      break;
    case Format::k22c: d.registers = {a4, b4}; break;
    case Format::k32x: d.registers = {u[1], u[2]}; break;
    case Format::k30t: d.branch = SignExtend(u[1] | (uint64_t{u[2]} << 16), 32); break;
    case Format::k31t:
      d.registers = {aa};
      d.branch = SignExtend(u[1] | (uint64_t{u[2]} << 16), 32);
      break;
    case Format::k31i:
      d.registers = {aa};
      d.literal = true;
      d.value = SignExtend(u[1] | (uint64_t{u[2]} << 16), 32);
      break;
    case Format::k31c: d.registers = {aa}; break;
    case Format::k35c: list35(); break;
    case Format::k3rc: range(); break;
    case Format::k45cc: list35(); break;
    case Format::k4rcc: range(); break;
    case Format::k51l:
      d.registers = {aa};
      d.literal = true;
      d.value = static_cast<int64_t>(u[1] | (uint64_t{u[2]} << 16) | (uint64_t{u[3]} << 32) |
                                     (uint64_t{u[4]} << 48));
      break;
  }
  return d;
}

/// The same operands as dexdump printed them.
struct Printed {
  std::vector<uint32_t> registers;
  std::optional<uint32_t> target;  ///< Absolute branch or payload target, in code units.
  std::string literal_type;        ///< "int", "long", "float" or "double"; empty if none.
  std::string literal_text;
};

Printed ParsePrinted(const std::string& operands, bool has_target) {
  Printed p;
  static const std::regex reg_re(R"(^v(\d+)$)");
  static const std::regex list_reg_re(R"(v(\d+))");
  std::string rest = operands;
  if (rest.starts_with("{")) {
    const std::string list = rest.substr(1, rest.find('}') - 1);
    for (std::sregex_iterator it(list.begin(), list.end(), list_reg_re), end; it != end; ++it)
      p.registers.push_back(static_cast<uint32_t>(std::stoul((*it)[1])));
    return p;
  }
  // Leading "vN" tokens are registers; the next token is the target, literal or index.
  std::smatch m;
  while (true) {
    const size_t comma = rest.find(", ");
    const std::string token = rest.substr(0, comma);
    if (!std::regex_match(token, m, reg_re)) break;
    p.registers.push_back(static_cast<uint32_t>(std::stoul(m[1])));
    rest = comma == std::string::npos ? "" : rest.substr(comma + 2);
  }
  static const std::regex literal_re(R"(^#(int|long|float|double) (\S+))");
  static const std::regex target_re(R"(^#?([0-9a-f]{4,8})\b)");
  if (std::regex_search(rest, m, literal_re)) {
    p.literal_type = m[1];
    p.literal_text = m[2];
  } else if (has_target && std::regex_search(rest, m, target_re)) {
    p.target = static_cast<uint32_t>(std::stoul(m[1], nullptr, 16));
  }
  return p;
}

TEST(DexOpcodesOracle, OperandLayoutsMatchTheirFormats) {
  const Oracle& o = GetOracle();
  ASSERT_TRUE(o.error.empty()) << o.error;
  for (const DumpMethod& m : o.methods) {
    std::string failure;
    for (const Walked& w : WalkMethod(o.dex, m.code_off, &failure)) {
      if (w.payload) continue;
      const OpcodeInfo& info = kOpcodes[w.units[0] & 0xff];
      const DumpLine& line = m.lines.at(w.pc);
      SCOPED_TRACE(line.name + " " + line.operands);
      const Decoded d = DecodeByFormat(info.format, w.units);
      const Printed p = ParsePrinted(line.operands, d.branch.has_value());
      EXPECT_EQ(d.registers, p.registers);
      EXPECT_EQ(d.literal, !p.literal_type.empty());
      if (d.branch) {
        ASSERT_TRUE(p.target.has_value());
        // dexdump prints goto/32's relative offset where other branches show the target.
        const int64_t base = info.format == Format::k30t ? 0 : w.pc;
        EXPECT_EQ(base + *d.branch, int64_t{*p.target});
      }
      if (p.literal_type == "int" || p.literal_type == "long") {
        const int64_t printed = std::stoll(p.literal_text);
        if (info.format == Format::k21h) {
          // const/high16 fills the top of 32 bits, const-wide/high16 of 64.
          const int64_t expected = p.literal_type == "long"
                                       ? static_cast<int64_t>(uint64_t{w.units[1]} << 48)
                                       : SignExtend(uint64_t{w.units[1]} << 16, 32);
          EXPECT_EQ(expected, printed);
        } else {
          ASSERT_TRUE(d.value.has_value());
          EXPECT_EQ(*d.value, printed);
        }
      }
    }
  }
}

}  // namespace
}  // namespace vigie::dex
