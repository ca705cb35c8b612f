#pragma once
// The engine set-up the GUI tests share: the tiny model with token and cache folders of the
// test's own, and a part token that fits it.
#include <filesystem>
#include <string>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "editing/part_token.h"
#include "support/test_support.h"
#include "ui/gui_test_helpers.h"
#include "ui/worker/engine_types.h"

namespace partedit::test {

// The tiny SDXL model; tokens in `dir`/tokens, the inversion cache in `dir`/cache.
inline ui::EngineConfig tiny_engine_config(const std::filesystem::path& dir) {
  ui::EngineConfig config;
  config.modelFolder = qpath(tiny_sdxl_dir());
  config.tokenFolder = qpath(dir / "tokens");
  config.cacheFolder = qpath(dir / "cache");
  return config;
}

// A small, quick generation on the tiny model (a fixed seed: the same image each time).
inline ui::GenerateSettings small_generation(int side = 64, int steps = 2) {
  ui::GenerateSettings generation = ui::GenerateSettings::defaults();
  generation.prompt = QStringLiteral("a photo of a cat in a park");
  generation.steps = steps;
  generation.width = generation.height = side;
  generation.seed = 5;
  return generation;
}

// A random token of the tiny model's width (64) for `part`, as `folder`/<part>.safetensors.
inline void install_test_token(const std::filesystem::path& folder, const std::string& part = "head",
                               uint64_t seed = 1) {
  auto generator = at::detail::createCPUGenerator(seed);
  PartToken token;
  token.embedding = at::randn({2, 64}, generator);
  token.part_name = part;
  std::filesystem::create_directories(folder);
  write_part_token(folder / (part + ".safetensors"), token);
}

}  // namespace partedit::test
