#include "vigie/base/crc32.h"

#include <libdeflate.h>

#if defined(__x86_64__)
#include <immintrin.h>
#if __has_include(<sys/platform/x86.h>)
// glibc >= 2.33: the CPU features it read at start-up. The header is C, and
// clang's C++ has no _Bool.
#define _Bool bool
#include <sys/platform/x86.h>
#undef _Bool
#else
#include <cpuid.h>
#endif
#define VIGIE_CRC_FOLD 1
#endif

namespace vigie {
namespace {

#ifdef VIGIE_CRC_FOLD

// Folding (Gopal et al., "Fast CRC Computation for Generic Polynomials
// Using PCLMULQDQ", Intel, 2009) in the bit-reflected domain of this CRC:
// a 128-bit lane L that lies D bits before later data is carried onto it as
// clmul(L.lo, K_lo) ^ clmul(L.hi, K_hi), with K_lo = x^(D+32) mod P and
// K_hi = x^(D-32) mod P, both bit-reflected and shifted left by one. The
// constants are computed here rather than copied: for D = 512 they are the
// well-known 0x154442bd4 and 0x1c6e41596, which the tests check.
constexpr uint64_t kPoly = 0x104C11DB7;

constexpr uint64_t XPowModP(unsigned n) {
  uint64_t r = 1;
  for (unsigned i = 0; i < n; ++i) {
    r <<= 1;
    if (r & (uint64_t{1} << 32)) r ^= kPoly;
  }
  return r;
}

constexpr uint64_t Reflect32(uint64_t v) {
  uint64_t r = 0;
  for (int i = 0; i < 32; ++i)
    if (v & (uint64_t{1} << i)) r |= uint64_t{1} << (31 - i);
  return r;
}

struct FoldConstant {
  uint64_t lo, hi;
};

constexpr FoldConstant Fold(unsigned distance_bits) {
  return {Reflect32(XPowModP(distance_bits + 32)) << 1, Reflect32(XPowModP(distance_bits - 32)) << 1};
}

static_assert(Fold(512).lo == 0x154442bd4 && Fold(512).hi == 0x1c6e41596, "fold constants");

// Whether the CPU and the OS support the folding path. glibc has read the
// CPU's features at start-up, and asking it costs nothing; executing CPUID
// again does: in the KVM guests we measure on, each CPUID traps to the
// hypervisor, ~5 µs, and this check took four.
bool HasVpclmul512() {
#if __has_include(<sys/platform/x86.h>)
  // "Active" also means the OS saves the AVX-512 state.
  return CPU_FEATURE_ACTIVE(AVX512F) && CPU_FEATURE_ACTIVE(VPCLMULQDQ);
#else
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE)) return false;
  // The OS must save the AVX-512 state: XMM, YMM, opmask and both halves of ZMM.
  unsigned xcr0_lo, xcr0_hi;
  __asm__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
  if ((xcr0_lo & 0xE6) != 0xE6) return false;
  if (__get_cpuid_max(0, nullptr) < 7) return false;
  __cpuid_count(7, 0, a, b, c, d);
  return (b & bit_AVX512F) && (c & bit_VPCLMULQDQ);
#endif
}

__attribute__((target("avx512f,vpclmulqdq"))) inline __m512i FoldLanes(__m512i lanes, __m512i k, __m512i data) {
  const __m512i lo = _mm512_clmulepi64_epi128(lanes, k, 0x00);
  const __m512i hi = _mm512_clmulepi64_epi128(lanes, k, 0x11);
  return _mm512_ternarylogic_epi64(lo, hi, data, 0x96);  // lo ^ hi ^ data
}

__attribute__((target("avx512f,vpclmulqdq"))) __m512i Broadcast(FoldConstant k) {
  const auto lo = static_cast<long long>(k.lo), hi = static_cast<long long>(k.hi);
  return _mm512_set_epi64(hi, lo, hi, lo, hi, lo, hi, lo);
}

// `n` >= 256.
__attribute__((target("avx512f,vpclmulqdq"))) uint32_t Crc32Folded(const uint8_t* p, size_t n) {
  // The initial value (all ones, for ZIP's CRC) is XORed into the first four
  // bytes: with it, the raw CRC of the message from a zero state is the same.
  __m512i z0 = _mm512_xor_si512(_mm512_loadu_si512(p), _mm512_zextsi128_si512(_mm_cvtsi32_si128(-1)));
  __m512i z1 = _mm512_loadu_si512(p + 64);
  __m512i z2 = _mm512_loadu_si512(p + 128);
  __m512i z3 = _mm512_loadu_si512(p + 192);
  p += 256;
  n -= 256;
  const __m512i k2048 = Broadcast(Fold(2048));
  for (; n >= 256; p += 256, n -= 256) {
    z0 = FoldLanes(z0, k2048, _mm512_loadu_si512(p));
    z1 = FoldLanes(z1, k2048, _mm512_loadu_si512(p + 64));
    z2 = FoldLanes(z2, k2048, _mm512_loadu_si512(p + 128));
    z3 = FoldLanes(z3, k2048, _mm512_loadu_si512(p + 192));
  }
  // Each register's lanes are carried onto the last register's.
  z3 = FoldLanes(z2, Broadcast(Fold(512)), z3);
  z3 = FoldLanes(z1, Broadcast(Fold(1024)), z3);
  z3 = FoldLanes(z0, Broadcast(Fold(1536)), z3);
  // 64 bytes with the raw CRC of everything so far; the rest by table.
  alignas(64) uint8_t folded[64];
  _mm512_store_si512(folded, z3);
  // libdeflate conditions its CRC (~ before and after): raw(s, X) is
  // ~libdeflate_crc32(~s, X).
  const uint32_t raw = ~libdeflate_crc32(~0u, folded, sizeof folded);
  return libdeflate_crc32(~raw, p, n);
}

#endif  // VIGIE_CRC_FOLD

}  // namespace

uint32_t Crc32Portable(ByteView bytes) { return libdeflate_crc32(0, bytes.data(), bytes.size()); }

uint32_t Crc32(ByteView bytes) {
#ifdef VIGIE_CRC_FOLD
  // Detected once, by whichever thread first checks a large entry.
  static const bool fold = HasVpclmul512();
  if (fold && bytes.size() >= 256) return Crc32Folded(bytes.data(), bytes.size());
#endif
  return Crc32Portable(bytes);
}

}  // namespace vigie
