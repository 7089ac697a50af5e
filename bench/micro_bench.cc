// Micro-benchmarks of the hot parsing paths (Google Benchmark). Whole-app
// comparisons with peer tools are in scan_bench.py; these guard the inner
// loops against regressions.
//   build/release/bench/vigie_micro_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "vigie/pipeline/knowledge.h"
#include "vigie/pipeline/scanner.h"
#include "vigie/base/bytes.h"
#include "vigie/format/dex/dex_file.h"
#include "vigie/indicators/indicator_set.h"

namespace {

std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void BM_Uleb128(benchmark::State& state) {
  std::vector<uint8_t> data;
  for (uint32_t i = 0; i < 4096; ++i) {
    uint32_t v = i * 2654435761u;
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      data.push_back(static_cast<uint8_t>(b | (v ? 0x80 : 0)));
    } while (v);
  }
  for (auto _ : state) {
    vigie::Reader r(vigie::ByteView(data.data(), data.size()));
    uint64_t sum = 0;
    while (r.remaining()) sum += r.Uleb128();
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_Uleb128);

// Opens the demo DEX and walks every class, method and code item.
void BM_DexWalk(benchmark::State& state) {
  std::vector<uint8_t> dex = ReadFile("build/release/fixtures/classes.dex");
  if (dex.empty()) {
    state.SkipWithError("run ctest once so that build/release/fixtures exists");
    return;
  }
  for (auto _ : state) {
    vigie::Diagnostics d;
    auto file = vigie::dex::DexFile::Open(vigie::ByteView(dex.data(), dex.size()), "classes.dex", d);
    uint64_t insns = 0;
    for (uint32_t i = 0; i < file->class_count(); ++i)
      file->ForEachMethod(file->class_def(i), [&](const vigie::dex::EncodedMethod& m) {
        if (auto code = file->Code(m.code_off)) insns += code->insns.size();
      });
    benchmark::DoNotOptimize(insns);
  }
}
BENCHMARK(BM_DexWalk);

// The whole pipeline on the demo APK, in process (no start-up cost).
void BM_ScanDemo(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vigie::ScanFile("demo/vigie-demo.apk"));
}
BENCHMARK(BM_ScanDemo);

// Loading the knowledge a run starts with: the built-in KB and vendors,
// with Exodus' database imported (from the cache once it is built) or not,
// and with the SDK profiles' index (renamed code) or not.
void BM_LoadKnowledge(benchmark::State& state) {
  vigie::KnowledgeSpec spec;
  if (state.range(0)) spec.signatures.emplace_back("exodus", "../shared/corpus/signatures/exodus_trackers.json");
  spec.profiles = state.range(1) != 0;
  for (auto _ : state) {
    auto k = vigie::LoadKnowledge(spec);
    if (!k) state.SkipWithError(k.error().message.c_str());
    benchmark::DoNotOptimize(k);
  }
}
BENCHMARK(BM_LoadKnowledge)->ArgsProduct({{0, 1}, {0, 1}})->Unit(benchmark::kMicrosecond);

// Checking URLs against host indicators (vigie check): range(0) synthetic
// hosts indicted, one URL per iteration, 1 in 16 of them on an indicted host.
void BM_MatchUrl(benchmark::State& state) {
  vigie::indicators::IndicatorSet set;
  const uint32_t c = set.AddCollection("synthetic", "bench");
  for (int64_t i = 0; i < state.range(0); ++i)
    set.Add(vigie::indicators::IndicatorType::kDomain, "host" + std::to_string(i) + ".example" + std::to_string(i % 997) + ".com", c);
  std::vector<std::string> urls;
  for (int i = 0; i < 4096; ++i)
    urls.push_back("https://cdn.host" + std::to_string(i % 16 ? i * 7919 + state.range(0) : i) + ".example" +
                   std::to_string(i % 997) + ".com/path?q=" + std::to_string(i));
  size_t i = 0, hits = 0;
  for (auto _ : state) hits += set.MatchUrl(urls[i++ % urls.size()]) != nullptr;
  state.counters["hits"] = static_cast<double>(hits);
}
BENCHMARK(BM_MatchUrl)->Arg(1000)->Arg(1000000)->Unit(benchmark::kNanosecond);

}  // namespace

BENCHMARK_MAIN();
