// partedit-cli make-tiny-model: writes a small random-weight diffusers folder (SDXL, SD 1.5
// or SD 2.1 structure), BLIP-2 folder (Flan-T5 or OPT language model) or CLIPModel folder
// (`eval --clip-model`) that every loader and pipeline accepts; for tests and benchmarks.
#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.h"
#include "models/blip2/tiny_blip2.h"
#include "models/clip/tiny_clip.h"
#include "models/tiny_model.h"
#include "options.h"
#include "runtime/error.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

struct TinyOptions {
  TinyModelOptions model;  // family, widths and groups bound here
  int64_t seed = static_cast<int64_t>(model.seed);
  int64_t size = model.sample_size * 8;  // pixels; the latents are 8x smaller
  std::string out;
};

// "8 16 32": a family's default UNet widths, as core fills them in.
std::string default_widths(const std::string& family) {
  TinyModelOptions options;
  options.family = family;
  std::string text;
  for (int64_t w : resolve_tiny_model_options(options).widths) text += (text.empty() ? "" : " ") + std::to_string(w);
  return text;
}

// Refuses a folder that exists and is not empty: a tiny model never overwrites anything.
void check_output_folder(const fs::path& out) {
  if (fs::exists(out)) {
    if (!fs::is_directory(out)) throw Error("--out " + out.string() + " exists and is not a folder");
    if (!fs::is_empty(out)) throw Error("--out " + out.string() + " is not empty; refusing to overwrite it");
  }
}

// blip2-flan-t5 | blip2-opt: the tiny BLIP-2 of the caption tests (no UNet options apply).
// --widths, --groups and --size describe a UNet; the BLIP-2 and CLIP families refuse them.
void refuse_unet_options(const TinyOptions& o, const std::string& family) {
  if (!o.model.widths.empty() || o.model.norm_num_groups != 0 || o.size != TinyOptions{}.size)
    throw Error("--widths, --groups and --size describe a diffusion model's UNet; a " + family +
                " family takes none of them");
}

int make_tiny_blip2(const TinyOptions& o, const std::string& text_model) {
  refuse_unet_options(o, "BLIP-2");
  check_output_folder(o.out);
  TinyBlip2Options options;
  options.text_model = text_model;
  options.seed = static_cast<uint64_t>(o.seed);
  const int64_t parameters = write_tiny_blip2(o.out, options);
  std::cout << "wrote a tiny BLIP-2 (" << (text_model == "opt" ? "OPT" : "Flan-T5") << ") model to " << o.out
            << " (seed " << o.seed << ", " << options.image_size << "x" << options.image_size << " images, "
            << parameters << " parameters)\n";
  return 0;
}

// clip: the CLIPModel of the evaluation tests (no UNet options apply).
int make_tiny_clip(const TinyOptions& o) {
  refuse_unet_options(o, "CLIP");
  check_output_folder(o.out);
  TinyClipOptions options;
  options.seed = static_cast<uint64_t>(o.seed);
  const int64_t parameters = write_tiny_clip(o.out, options);
  std::cout << "wrote a tiny CLIP model to " << o.out << " (seed " << o.seed << ", " << options.image_size << "x"
            << options.image_size << " images, " << parameters << " parameters)\n";
  return 0;
}

int make_tiny_model(const TinyOptions& o) {
  if (o.model.family == "blip2-flan-t5") return make_tiny_blip2(o, "t5");
  if (o.model.family == "blip2-opt") return make_tiny_blip2(o, "opt");
  if (o.model.family == "clip") return make_tiny_clip(o);
  TinyModelOptions options = o.model;
  options.seed = static_cast<uint64_t>(o.seed);
  if (options.full_size && (!options.widths.empty() || options.norm_num_groups != 0 || o.size != TinyOptions{}.size))
    throw Error("--full-size has SDXL-base's own widths, groups and size (1024); give none of --widths, --groups, --size");
  if (options.full_size) options.sample_size = 128;
  else if (o.size % 8 != 0) throw Error("option --size must be a positive multiple of 8, got " + std::to_string(o.size));
  else options.sample_size = o.size / 8;
  options = resolve_tiny_model_options(options);  // reject bad options before touching the disk

  const fs::path out = o.out;
  check_output_folder(out);
  const auto summary = write_tiny_model(options, out);

  std::cout << "wrote a tiny " << options.family << " model to " << out.string() << " (seed " << options.seed
            << ", " << options.sample_size * 8 << "x" << options.sample_size * 8 << " images, vocabulary " << summary.vocab_size << ")\n";
  int64_t total = 0;
  for (const auto& [component, count] : summary.parameters) {
    std::cout << "  " << component << std::string(component.size() < 16 ? 16 - component.size() : 1, ' ') << count
              << " parameters\n";
    total += count;
  }
  std::cout << "  total" << std::string(11, ' ') << total << " parameters\n";
  return 0;
}

}  // namespace

Command add_make_tiny_model(CLI::App& root) {
  CLI::App* command =
      root.add_subcommand("make-tiny-model", "write a small random-weight SDXL / SD 1.5 / SD 2.1, BLIP-2 or CLIP model folder");
  auto o = std::make_shared<TinyOptions>();
  command->add_option("--family", o->model.family, "model structure: sdxl | sd15 | sd21 | blip2-flan-t5 | blip2-opt | clip")->type_name("NAME")->required();
  command->add_option("--out", o->out, "output folder (must be missing or empty)")->type_name("DIR")->required();
  add_seed_option(*command, o->seed, "weight seed")->capture_default_str();
  command->add_option("--widths", o->model.widths,
                      "UNet block_out_channels, e.g. --widths 64 128 256 (default " + default_widths("sdxl") +
                          ", sd15/sd21 " + default_widths("sd15") + ")")
      ->type_name("LIST");
  TinyModelOptions sdxl;
  command->add_flag("--full-size", o->model.full_size,
                    "sdxl only: SDXL-base's real shapes (UNet 2.57 B parameters, both text encoders, the VAE) with "
                    "random weights in fp16 (6.9 GB), for benchmarks");
  command->add_option("--groups", o->model.norm_num_groups,
                      "UNet norm_num_groups (default " + std::to_string(resolve_tiny_model_options(sdxl).norm_num_groups) + ")")
      ->type_name("G")
      ->check(whole_at_least(1));
  command->add_option("--size", o->size, "image size in pixels, a multiple of 8")
      ->type_name("PX")
      ->check(whole_at_least(8))
      ->capture_default_str();
  return {command, [o] { return make_tiny_model(*o); }};
}

}  // namespace partedit::cli
