// Dalvik opcodes: names, instruction formats, index kinds and flags.
//
// This is the one table every DEX walker and printer reads; nothing else in
// Vigie should spell an opcode's size or name. Rows follow the dex-format
// spec ("Dalvik bytecode" and "Dalvik executable instruction formats"), and
// names are the mnemonics AOSP dexdump prints, so output can be diffed with it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vigie::dex {

/// Instruction format ids of the dex-format spec: the digits are the size in
/// code units and the register count, the letter the kind of extra operand.
enum class Format : uint8_t {
  k10x,   ///< op
  k12x,   ///< op vA, vB
  k11n,   ///< op vA, #+B (4-bit literal)
  k11x,   ///< op vAA
  k10t,   ///< op +AA (8-bit branch offset)
  k20t,   ///< op +AAAA
  k22x,   ///< op vAA, vBBBB
  k21t,   ///< op vAA, +BBBB
  k21s,   ///< op vAA, #+BBBB
  k21h,   ///< op vAA, #+BBBB0000(00000000)
  k21c,   ///< op vAA, kind@BBBB
  k23x,   ///< op vAA, vBB, vCC
  k22b,   ///< op vAA, vBB, #+CC
  k22t,   ///< op vA, vB, +CCCC
  k22s,   ///< op vA, vB, #+CCCC
  k22c,   ///< op vA, vB, kind@CCCC
  k32x,   ///< op vAAAA, vBBBB
  k30t,   ///< op +AAAAAAAA
  k31t,   ///< op vAA, +BBBBBBBB (branch or payload offset)
  k31i,   ///< op vAA, #+BBBBBBBB
  k31c,   ///< op vAA, string@BBBBBBBB
  k35c,   ///< op {vC..vG}, kind@BBBB (up to five argument registers)
  k3rc,   ///< op {vCCCC .. vNNNN}, kind@BBBB (a register range)
  k45cc,  ///< op {vC..vG}, meth@BBBB, proto@HHHH
  k4rcc,  ///< op {vCCCC .. vNNNN}, meth@BBBB, proto@HHHH
  k51l,   ///< op vAA, #+BBBBBBBBBBBBBBBB
};

/// What an instruction's index operand (BBBB, CCCC or BBBBBBBB) refers to.
enum class IndexKind : uint8_t {
  kNone,          ///< No index operand.
  kString,        ///< string_ids
  kType,          ///< type_ids
  kField,         ///< field_ids
  kMethod,        ///< method_ids
  kCallSite,      ///< call_site_ids
  kMethodHandle,  ///< method_handles
  kProto,         ///< proto_ids
};

/// Opcode properties the analyses select instructions by; a bit set.
enum OpcodeFlag : uint8_t {
  kNoFlags = 0,
  /// A call through a method_ids entry: invoke-virtual, -super, -direct,
  /// -static, -interface and their /range forms. invoke-polymorphic and
  /// invoke-custom are left out because their target is resolved at run time.
  kInvoke = 1 << 0,
  /// A read of a static field (sget and its typed forms), e.g. Build.SERIAL.
  kStaticGet = 1 << 1,
  /// Loads a string constant (const-string and const-string/jumbo).
  kConstString = 1 << 2,
};

/// One row of the opcode table.
struct OpcodeInfo {
  std::string_view name;  ///< Mnemonic as dexdump prints it, e.g. "invoke-virtual/range".
  Format format = Format::k10x;
  IndexKind index = IndexKind::kNone;
  uint8_t flags = kNoFlags;  ///< OpcodeFlag bits.
};

/// Size in 16-bit code units of an instruction of format `f` (the first digit
/// of its id).
constexpr uint32_t FormatUnits(Format f) {
  switch (f) {
    case Format::k10x:
    case Format::k12x:
    case Format::k11n:
    case Format::k11x:
    case Format::k10t:
      return 1;
    case Format::k20t:
    case Format::k22x:
    case Format::k21t:
    case Format::k21s:
    case Format::k21h:
    case Format::k21c:
    case Format::k23x:
    case Format::k22b:
    case Format::k22t:
    case Format::k22s:
    case Format::k22c:
      return 2;
    case Format::k32x:
    case Format::k30t:
    case Format::k31t:
    case Format::k31i:
    case Format::k31c:
    case Format::k35c:
    case Format::k3rc:
      return 3;
    case Format::k45cc:
    case Format::k4rcc:
      return 4;
    case Format::k51l:
      return 5;
  }
  return 1;
}

// X(opcode, "name", format, index, flags), one row per opcode in order.
// Unused opcodes are k10x so that a walker steps over them one unit at a
// time, as dexdump does. Up to Android 11, 0x73 and 0xe3..0xf2 were odex-only
// (quickened) instructions, which older dexdump builds still name (e.g.
// "iget-quick"); the spec now lists them unused and verifiers reject them.
// invoke-polymorphic(/range) carry two indexes: the method in BBBB (listed
// here) and the call-site proto in HHHH, the fourth code unit.
#define VIGIE_DEX_OPCODES(X)                                              \
  X(0x00, "nop",                      k10x,  kNone,         kNoFlags)     \
  X(0x01, "move",                     k12x,  kNone,         kNoFlags)     \
  X(0x02, "move/from16",              k22x,  kNone,         kNoFlags)     \
  X(0x03, "move/16",                  k32x,  kNone,         kNoFlags)     \
  X(0x04, "move-wide",                k12x,  kNone,         kNoFlags)     \
  X(0x05, "move-wide/from16",         k22x,  kNone,         kNoFlags)     \
  X(0x06, "move-wide/16",             k32x,  kNone,         kNoFlags)     \
  X(0x07, "move-object",              k12x,  kNone,         kNoFlags)     \
  X(0x08, "move-object/from16",       k22x,  kNone,         kNoFlags)     \
  X(0x09, "move-object/16",           k32x,  kNone,         kNoFlags)     \
  X(0x0a, "move-result",              k11x,  kNone,         kNoFlags)     \
  X(0x0b, "move-result-wide",         k11x,  kNone,         kNoFlags)     \
  X(0x0c, "move-result-object",       k11x,  kNone,         kNoFlags)     \
  X(0x0d, "move-exception",           k11x,  kNone,         kNoFlags)     \
  X(0x0e, "return-void",              k10x,  kNone,         kNoFlags)     \
  X(0x0f, "return",                   k11x,  kNone,         kNoFlags)     \
  X(0x10, "return-wide",              k11x,  kNone,         kNoFlags)     \
  X(0x11, "return-object",            k11x,  kNone,         kNoFlags)     \
  X(0x12, "const/4",                  k11n,  kNone,         kNoFlags)     \
  X(0x13, "const/16",                 k21s,  kNone,         kNoFlags)     \
  X(0x14, "const",                    k31i,  kNone,         kNoFlags)     \
  X(0x15, "const/high16",             k21h,  kNone,         kNoFlags)     \
  X(0x16, "const-wide/16",            k21s,  kNone,         kNoFlags)     \
  X(0x17, "const-wide/32",            k31i,  kNone,         kNoFlags)     \
  X(0x18, "const-wide",               k51l,  kNone,         kNoFlags)     \
  X(0x19, "const-wide/high16",        k21h,  kNone,         kNoFlags)     \
  X(0x1a, "const-string",             k21c,  kString,       kConstString) \
  X(0x1b, "const-string/jumbo",       k31c,  kString,       kConstString) \
  X(0x1c, "const-class",              k21c,  kType,         kNoFlags)     \
  X(0x1d, "monitor-enter",            k11x,  kNone,         kNoFlags)     \
  X(0x1e, "monitor-exit",             k11x,  kNone,         kNoFlags)     \
  X(0x1f, "check-cast",               k21c,  kType,         kNoFlags)     \
  X(0x20, "instance-of",              k22c,  kType,         kNoFlags)     \
  X(0x21, "array-length",             k12x,  kNone,         kNoFlags)     \
  X(0x22, "new-instance",             k21c,  kType,         kNoFlags)     \
  X(0x23, "new-array",                k22c,  kType,         kNoFlags)     \
  X(0x24, "filled-new-array",         k35c,  kType,         kNoFlags)     \
  X(0x25, "filled-new-array/range",   k3rc,  kType,         kNoFlags)     \
  X(0x26, "fill-array-data",          k31t,  kNone,         kNoFlags)     \
  X(0x27, "throw",                    k11x,  kNone,         kNoFlags)     \
  X(0x28, "goto",                     k10t,  kNone,         kNoFlags)     \
  X(0x29, "goto/16",                  k20t,  kNone,         kNoFlags)     \
  X(0x2a, "goto/32",                  k30t,  kNone,         kNoFlags)     \
  X(0x2b, "packed-switch",            k31t,  kNone,         kNoFlags)     \
  X(0x2c, "sparse-switch",            k31t,  kNone,         kNoFlags)     \
  X(0x2d, "cmpl-float",               k23x,  kNone,         kNoFlags)     \
  X(0x2e, "cmpg-float",               k23x,  kNone,         kNoFlags)     \
  X(0x2f, "cmpl-double",              k23x,  kNone,         kNoFlags)     \
  X(0x30, "cmpg-double",              k23x,  kNone,         kNoFlags)     \
  X(0x31, "cmp-long",                 k23x,  kNone,         kNoFlags)     \
  X(0x32, "if-eq",                    k22t,  kNone,         kNoFlags)     \
  X(0x33, "if-ne",                    k22t,  kNone,         kNoFlags)     \
  X(0x34, "if-lt",                    k22t,  kNone,         kNoFlags)     \
  X(0x35, "if-ge",                    k22t,  kNone,         kNoFlags)     \
  X(0x36, "if-gt",                    k22t,  kNone,         kNoFlags)     \
  X(0x37, "if-le",                    k22t,  kNone,         kNoFlags)     \
  X(0x38, "if-eqz",                   k21t,  kNone,         kNoFlags)     \
  X(0x39, "if-nez",                   k21t,  kNone,         kNoFlags)     \
  X(0x3a, "if-ltz",                   k21t,  kNone,         kNoFlags)     \
  X(0x3b, "if-gez",                   k21t,  kNone,         kNoFlags)     \
  X(0x3c, "if-gtz",                   k21t,  kNone,         kNoFlags)     \
  X(0x3d, "if-lez",                   k21t,  kNone,         kNoFlags)     \
  X(0x3e, "unused-3e",                k10x,  kNone,         kNoFlags)     \
  X(0x3f, "unused-3f",                k10x,  kNone,         kNoFlags)     \
  X(0x40, "unused-40",                k10x,  kNone,         kNoFlags)     \
  X(0x41, "unused-41",                k10x,  kNone,         kNoFlags)     \
  X(0x42, "unused-42",                k10x,  kNone,         kNoFlags)     \
  X(0x43, "unused-43",                k10x,  kNone,         kNoFlags)     \
  X(0x44, "aget",                     k23x,  kNone,         kNoFlags)     \
  X(0x45, "aget-wide",                k23x,  kNone,         kNoFlags)     \
  X(0x46, "aget-object",              k23x,  kNone,         kNoFlags)     \
  X(0x47, "aget-boolean",             k23x,  kNone,         kNoFlags)     \
  X(0x48, "aget-byte",                k23x,  kNone,         kNoFlags)     \
  X(0x49, "aget-char",                k23x,  kNone,         kNoFlags)     \
  X(0x4a, "aget-short",               k23x,  kNone,         kNoFlags)     \
  X(0x4b, "aput",                     k23x,  kNone,         kNoFlags)     \
  X(0x4c, "aput-wide",                k23x,  kNone,         kNoFlags)     \
  X(0x4d, "aput-object",              k23x,  kNone,         kNoFlags)     \
  X(0x4e, "aput-boolean",             k23x,  kNone,         kNoFlags)     \
  X(0x4f, "aput-byte",                k23x,  kNone,         kNoFlags)     \
  X(0x50, "aput-char",                k23x,  kNone,         kNoFlags)     \
  X(0x51, "aput-short",               k23x,  kNone,         kNoFlags)     \
  X(0x52, "iget",                     k22c,  kField,        kNoFlags)     \
  X(0x53, "iget-wide",                k22c,  kField,        kNoFlags)     \
  X(0x54, "iget-object",              k22c,  kField,        kNoFlags)     \
  X(0x55, "iget-boolean",             k22c,  kField,        kNoFlags)     \
  X(0x56, "iget-byte",                k22c,  kField,        kNoFlags)     \
  X(0x57, "iget-char",                k22c,  kField,        kNoFlags)     \
  X(0x58, "iget-short",               k22c,  kField,        kNoFlags)     \
  X(0x59, "iput",                     k22c,  kField,        kNoFlags)     \
  X(0x5a, "iput-wide",                k22c,  kField,        kNoFlags)     \
  X(0x5b, "iput-object",              k22c,  kField,        kNoFlags)     \
  X(0x5c, "iput-boolean",             k22c,  kField,        kNoFlags)     \
  X(0x5d, "iput-byte",                k22c,  kField,        kNoFlags)     \
  X(0x5e, "iput-char",                k22c,  kField,        kNoFlags)     \
  X(0x5f, "iput-short",               k22c,  kField,        kNoFlags)     \
  X(0x60, "sget",                     k21c,  kField,        kStaticGet)   \
  X(0x61, "sget-wide",                k21c,  kField,        kStaticGet)   \
  X(0x62, "sget-object",              k21c,  kField,        kStaticGet)   \
  X(0x63, "sget-boolean",             k21c,  kField,        kStaticGet)   \
  X(0x64, "sget-byte",                k21c,  kField,        kStaticGet)   \
  X(0x65, "sget-char",                k21c,  kField,        kStaticGet)   \
  X(0x66, "sget-short",               k21c,  kField,        kStaticGet)   \
  X(0x67, "sput",                     k21c,  kField,        kNoFlags)     \
  X(0x68, "sput-wide",                k21c,  kField,        kNoFlags)     \
  X(0x69, "sput-object",              k21c,  kField,        kNoFlags)     \
  X(0x6a, "sput-boolean",             k21c,  kField,        kNoFlags)     \
  X(0x6b, "sput-byte",                k21c,  kField,        kNoFlags)     \
  X(0x6c, "sput-char",                k21c,  kField,        kNoFlags)     \
  X(0x6d, "sput-short",               k21c,  kField,        kNoFlags)     \
  X(0x6e, "invoke-virtual",           k35c,  kMethod,       kInvoke)      \
  X(0x6f, "invoke-super",             k35c,  kMethod,       kInvoke)      \
  X(0x70, "invoke-direct",            k35c,  kMethod,       kInvoke)      \
  X(0x71, "invoke-static",            k35c,  kMethod,       kInvoke)      \
  X(0x72, "invoke-interface",         k35c,  kMethod,       kInvoke)      \
  X(0x73, "unused-73",                k10x,  kNone,         kNoFlags)     \
  X(0x74, "invoke-virtual/range",     k3rc,  kMethod,       kInvoke)      \
  X(0x75, "invoke-super/range",       k3rc,  kMethod,       kInvoke)      \
  X(0x76, "invoke-direct/range",      k3rc,  kMethod,       kInvoke)      \
  X(0x77, "invoke-static/range",      k3rc,  kMethod,       kInvoke)      \
  X(0x78, "invoke-interface/range",   k3rc,  kMethod,       kInvoke)      \
  X(0x79, "unused-79",                k10x,  kNone,         kNoFlags)     \
  X(0x7a, "unused-7a",                k10x,  kNone,         kNoFlags)     \
  X(0x7b, "neg-int",                  k12x,  kNone,         kNoFlags)     \
  X(0x7c, "not-int",                  k12x,  kNone,         kNoFlags)     \
  X(0x7d, "neg-long",                 k12x,  kNone,         kNoFlags)     \
  X(0x7e, "not-long",                 k12x,  kNone,         kNoFlags)     \
  X(0x7f, "neg-float",                k12x,  kNone,         kNoFlags)     \
  X(0x80, "neg-double",               k12x,  kNone,         kNoFlags)     \
  X(0x81, "int-to-long",              k12x,  kNone,         kNoFlags)     \
  X(0x82, "int-to-float",             k12x,  kNone,         kNoFlags)     \
  X(0x83, "int-to-double",            k12x,  kNone,         kNoFlags)     \
  X(0x84, "long-to-int",              k12x,  kNone,         kNoFlags)     \
  X(0x85, "long-to-float",            k12x,  kNone,         kNoFlags)     \
  X(0x86, "long-to-double",           k12x,  kNone,         kNoFlags)     \
  X(0x87, "float-to-int",             k12x,  kNone,         kNoFlags)     \
  X(0x88, "float-to-long",            k12x,  kNone,         kNoFlags)     \
  X(0x89, "float-to-double",          k12x,  kNone,         kNoFlags)     \
  X(0x8a, "double-to-int",            k12x,  kNone,         kNoFlags)     \
  X(0x8b, "double-to-long",           k12x,  kNone,         kNoFlags)     \
  X(0x8c, "double-to-float",          k12x,  kNone,         kNoFlags)     \
  X(0x8d, "int-to-byte",              k12x,  kNone,         kNoFlags)     \
  X(0x8e, "int-to-char",              k12x,  kNone,         kNoFlags)     \
  X(0x8f, "int-to-short",             k12x,  kNone,         kNoFlags)     \
  X(0x90, "add-int",                  k23x,  kNone,         kNoFlags)     \
  X(0x91, "sub-int",                  k23x,  kNone,         kNoFlags)     \
  X(0x92, "mul-int",                  k23x,  kNone,         kNoFlags)     \
  X(0x93, "div-int",                  k23x,  kNone,         kNoFlags)     \
  X(0x94, "rem-int",                  k23x,  kNone,         kNoFlags)     \
  X(0x95, "and-int",                  k23x,  kNone,         kNoFlags)     \
  X(0x96, "or-int",                   k23x,  kNone,         kNoFlags)     \
  X(0x97, "xor-int",                  k23x,  kNone,         kNoFlags)     \
  X(0x98, "shl-int",                  k23x,  kNone,         kNoFlags)     \
  X(0x99, "shr-int",                  k23x,  kNone,         kNoFlags)     \
  X(0x9a, "ushr-int",                 k23x,  kNone,         kNoFlags)     \
  X(0x9b, "add-long",                 k23x,  kNone,         kNoFlags)     \
  X(0x9c, "sub-long",                 k23x,  kNone,         kNoFlags)     \
  X(0x9d, "mul-long",                 k23x,  kNone,         kNoFlags)     \
  X(0x9e, "div-long",                 k23x,  kNone,         kNoFlags)     \
  X(0x9f, "rem-long",                 k23x,  kNone,         kNoFlags)     \
  X(0xa0, "and-long",                 k23x,  kNone,         kNoFlags)     \
  X(0xa1, "or-long",                  k23x,  kNone,         kNoFlags)     \
  X(0xa2, "xor-long",                 k23x,  kNone,         kNoFlags)     \
  X(0xa3, "shl-long",                 k23x,  kNone,         kNoFlags)     \
  X(0xa4, "shr-long",                 k23x,  kNone,         kNoFlags)     \
  X(0xa5, "ushr-long",                k23x,  kNone,         kNoFlags)     \
  X(0xa6, "add-float",                k23x,  kNone,         kNoFlags)     \
  X(0xa7, "sub-float",                k23x,  kNone,         kNoFlags)     \
  X(0xa8, "mul-float",                k23x,  kNone,         kNoFlags)     \
  X(0xa9, "div-float",                k23x,  kNone,         kNoFlags)     \
  X(0xaa, "rem-float",                k23x,  kNone,         kNoFlags)     \
  X(0xab, "add-double",               k23x,  kNone,         kNoFlags)     \
  X(0xac, "sub-double",               k23x,  kNone,         kNoFlags)     \
  X(0xad, "mul-double",               k23x,  kNone,         kNoFlags)     \
  X(0xae, "div-double",               k23x,  kNone,         kNoFlags)     \
  X(0xaf, "rem-double",               k23x,  kNone,         kNoFlags)     \
  X(0xb0, "add-int/2addr",            k12x,  kNone,         kNoFlags)     \
  X(0xb1, "sub-int/2addr",            k12x,  kNone,         kNoFlags)     \
  X(0xb2, "mul-int/2addr",            k12x,  kNone,         kNoFlags)     \
  X(0xb3, "div-int/2addr",            k12x,  kNone,         kNoFlags)     \
  X(0xb4, "rem-int/2addr",            k12x,  kNone,         kNoFlags)     \
  X(0xb5, "and-int/2addr",            k12x,  kNone,         kNoFlags)     \
  X(0xb6, "or-int/2addr",             k12x,  kNone,         kNoFlags)     \
  X(0xb7, "xor-int/2addr",            k12x,  kNone,         kNoFlags)     \
  X(0xb8, "shl-int/2addr",            k12x,  kNone,         kNoFlags)     \
  X(0xb9, "shr-int/2addr",            k12x,  kNone,         kNoFlags)     \
  X(0xba, "ushr-int/2addr",           k12x,  kNone,         kNoFlags)     \
  X(0xbb, "add-long/2addr",           k12x,  kNone,         kNoFlags)     \
  X(0xbc, "sub-long/2addr",           k12x,  kNone,         kNoFlags)     \
  X(0xbd, "mul-long/2addr",           k12x,  kNone,         kNoFlags)     \
  X(0xbe, "div-long/2addr",           k12x,  kNone,         kNoFlags)     \
  X(0xbf, "rem-long/2addr",           k12x,  kNone,         kNoFlags)     \
  X(0xc0, "and-long/2addr",           k12x,  kNone,         kNoFlags)     \
  X(0xc1, "or-long/2addr",            k12x,  kNone,         kNoFlags)     \
  X(0xc2, "xor-long/2addr",           k12x,  kNone,         kNoFlags)     \
  X(0xc3, "shl-long/2addr",           k12x,  kNone,         kNoFlags)     \
  X(0xc4, "shr-long/2addr",           k12x,  kNone,         kNoFlags)     \
  X(0xc5, "ushr-long/2addr",          k12x,  kNone,         kNoFlags)     \
  X(0xc6, "add-float/2addr",          k12x,  kNone,         kNoFlags)     \
  X(0xc7, "sub-float/2addr",          k12x,  kNone,         kNoFlags)     \
  X(0xc8, "mul-float/2addr",          k12x,  kNone,         kNoFlags)     \
  X(0xc9, "div-float/2addr",          k12x,  kNone,         kNoFlags)     \
  X(0xca, "rem-float/2addr",          k12x,  kNone,         kNoFlags)     \
  X(0xcb, "add-double/2addr",         k12x,  kNone,         kNoFlags)     \
  X(0xcc, "sub-double/2addr",         k12x,  kNone,         kNoFlags)     \
  X(0xcd, "mul-double/2addr",         k12x,  kNone,         kNoFlags)     \
  X(0xce, "div-double/2addr",         k12x,  kNone,         kNoFlags)     \
  X(0xcf, "rem-double/2addr",         k12x,  kNone,         kNoFlags)     \
  X(0xd0, "add-int/lit16",            k22s,  kNone,         kNoFlags)     \
  X(0xd1, "rsub-int",                 k22s,  kNone,         kNoFlags)     \
  X(0xd2, "mul-int/lit16",            k22s,  kNone,         kNoFlags)     \
  X(0xd3, "div-int/lit16",            k22s,  kNone,         kNoFlags)     \
  X(0xd4, "rem-int/lit16",            k22s,  kNone,         kNoFlags)     \
  X(0xd5, "and-int/lit16",            k22s,  kNone,         kNoFlags)     \
  X(0xd6, "or-int/lit16",             k22s,  kNone,         kNoFlags)     \
  X(0xd7, "xor-int/lit16",            k22s,  kNone,         kNoFlags)     \
  X(0xd8, "add-int/lit8",             k22b,  kNone,         kNoFlags)     \
  X(0xd9, "rsub-int/lit8",            k22b,  kNone,         kNoFlags)     \
  X(0xda, "mul-int/lit8",             k22b,  kNone,         kNoFlags)     \
  X(0xdb, "div-int/lit8",             k22b,  kNone,         kNoFlags)     \
  X(0xdc, "rem-int/lit8",             k22b,  kNone,         kNoFlags)     \
  X(0xdd, "and-int/lit8",             k22b,  kNone,         kNoFlags)     \
  X(0xde, "or-int/lit8",              k22b,  kNone,         kNoFlags)     \
  X(0xdf, "xor-int/lit8",             k22b,  kNone,         kNoFlags)     \
  X(0xe0, "shl-int/lit8",             k22b,  kNone,         kNoFlags)     \
  X(0xe1, "shr-int/lit8",             k22b,  kNone,         kNoFlags)     \
  X(0xe2, "ushr-int/lit8",            k22b,  kNone,         kNoFlags)     \
  X(0xe3, "unused-e3",                k10x,  kNone,         kNoFlags)     \
  X(0xe4, "unused-e4",                k10x,  kNone,         kNoFlags)     \
  X(0xe5, "unused-e5",                k10x,  kNone,         kNoFlags)     \
  X(0xe6, "unused-e6",                k10x,  kNone,         kNoFlags)     \
  X(0xe7, "unused-e7",                k10x,  kNone,         kNoFlags)     \
  X(0xe8, "unused-e8",                k10x,  kNone,         kNoFlags)     \
  X(0xe9, "unused-e9",                k10x,  kNone,         kNoFlags)     \
  X(0xea, "unused-ea",                k10x,  kNone,         kNoFlags)     \
  X(0xeb, "unused-eb",                k10x,  kNone,         kNoFlags)     \
  X(0xec, "unused-ec",                k10x,  kNone,         kNoFlags)     \
  X(0xed, "unused-ed",                k10x,  kNone,         kNoFlags)     \
  X(0xee, "unused-ee",                k10x,  kNone,         kNoFlags)     \
  X(0xef, "unused-ef",                k10x,  kNone,         kNoFlags)     \
  X(0xf0, "unused-f0",                k10x,  kNone,         kNoFlags)     \
  X(0xf1, "unused-f1",                k10x,  kNone,         kNoFlags)     \
  X(0xf2, "unused-f2",                k10x,  kNone,         kNoFlags)     \
  X(0xf3, "unused-f3",                k10x,  kNone,         kNoFlags)     \
  X(0xf4, "unused-f4",                k10x,  kNone,         kNoFlags)     \
  X(0xf5, "unused-f5",                k10x,  kNone,         kNoFlags)     \
  X(0xf6, "unused-f6",                k10x,  kNone,         kNoFlags)     \
  X(0xf7, "unused-f7",                k10x,  kNone,         kNoFlags)     \
  X(0xf8, "unused-f8",                k10x,  kNone,         kNoFlags)     \
  X(0xf9, "unused-f9",                k10x,  kNone,         kNoFlags)     \
  X(0xfa, "invoke-polymorphic",       k45cc, kMethod,       kNoFlags)     \
  X(0xfb, "invoke-polymorphic/range", k4rcc, kMethod,       kNoFlags)     \
  X(0xfc, "invoke-custom",            k35c,  kCallSite,     kNoFlags)     \
  X(0xfd, "invoke-custom/range",      k3rc,  kCallSite,     kNoFlags)     \
  X(0xfe, "const-method-handle",      k21c,  kMethodHandle, kNoFlags)     \
  X(0xff, "const-method-type",        k21c,  kProto,        kNoFlags)

namespace detail {

/// A table row as written, so the order of the rows can be checked.
struct OpcodeRow {
  unsigned opcode;
  OpcodeInfo info;
};

#define VIGIE_DEX_OPCODE_ROW(op, name, format, index, flags) \
  OpcodeRow{op, OpcodeInfo{name, Format::format, IndexKind::index, static_cast<uint8_t>(flags)}},
inline constexpr OpcodeRow kOpcodeRows[] = {VIGIE_DEX_OPCODES(VIGIE_DEX_OPCODE_ROW)};
#undef VIGIE_DEX_OPCODE_ROW

/// Whether row i of the table is opcode i, for every row.
constexpr bool OpcodeRowsInOrder() {
  for (size_t i = 0; i < std::size(kOpcodeRows); ++i) {
    if (kOpcodeRows[i].opcode != i) return false;
  }
  return true;
}

// A row left out or swapped would shift every later opcode's size and name.
static_assert(std::size(kOpcodeRows) == 256, "VIGIE_DEX_OPCODES needs one row per opcode");
static_assert(OpcodeRowsInOrder(), "VIGIE_DEX_OPCODES rows must run 0x00..0xff in order");

}  // namespace detail

/// The opcode table, indexed by opcode.
inline constexpr std::array<OpcodeInfo, 256> kOpcodes = [] {
  std::array<OpcodeInfo, 256> table{};
  for (size_t i = 0; i < table.size(); ++i) table[i] = detail::kOpcodeRows[i].info;
  return table;
}();

/// The row of opcode `op`.
constexpr const OpcodeInfo& Opcode(uint8_t op) { return kOpcodes[op]; }

/// Size in code units of an instruction with opcode `op`; payloads (opcode
/// 0x00 with a non-zero high byte) are sized by their own headers instead.
constexpr uint32_t UnitsOf(uint8_t op) { return FormatUnits(kOpcodes[op].format); }

/// Whether opcode `op` has `flag`.
constexpr bool HasFlag(uint8_t op, OpcodeFlag flag) { return (kOpcodes[op].flags & flag) != 0; }

}  // namespace vigie::dex
