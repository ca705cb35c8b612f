#include "models/vae/autoencoder_kl.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "io/weights.h"
#include "runtime/cpu_share.h"
#include "runtime/threads.h"
#include "runtime/error.h"

namespace partedit {

namespace {

constexpr double kTileOverlap = 0.25;  // autoencoder_kl.py tile_overlap_factor

std::string shape_string(c10::IntArrayRef sizes) {
  std::string s = "[";
  for (size_t i = 0; i < sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes[i]);
  return s + "]";
}

// autoencoder_kl.py blend_v / blend_h: the first `extent` rows (dim 2) or columns (dim 3) of
// `b` fade in linearly over the last `extent` of `a`. In place on `b`, as the reference.
void blend_into(const at::Tensor& a, at::Tensor& b, int64_t extent, int64_t dim) {
  extent = std::min({a.size(dim), b.size(dim), extent});
  if (extent <= 0) return;
  std::vector<int64_t> shape(4, 1);
  shape[dim] = extent;
  const auto w = (at::arange(extent, b.options()) / static_cast<double>(extent)).view(shape);  // y / extent
  auto head = b.narrow(dim, 0, extent);
  head.copy_(a.narrow(dim, a.size(dim) - extent, extent) * (1 - w) + head * w);
}

// autoencoder_kl.py tiled_encode / tiled_decode: `fn` on overlapping in_tile x in_tile tiles
// (stride 3/4 of a tile); each result is blended into its upper and left neighbours (both
// already blended, as the reference does in place), cropped to the stride and stitched.
at::Tensor run_tiled(const at::Tensor& x, int64_t in_tile, int64_t out_tile,
                     const std::function<at::Tensor(const at::Tensor&)>& fn) {
  const auto stride = static_cast<int64_t>(static_cast<double>(in_tile) * (1.0 - kTileOverlap));
  const auto blend = static_cast<int64_t>(static_cast<double>(out_tile) * kTileOverlap);
  const int64_t limit = out_tile - blend;
  std::vector<std::vector<at::Tensor>> rows;
  for (int64_t i = 0; i < x.size(2); i += stride) {
    rows.emplace_back();
    for (int64_t j = 0; j < x.size(3); j += stride)
      rows.back().push_back(fn(x.slice(2, i, i + in_tile).slice(3, j, j + in_tile)));  // [B, C, <=out, <=out]
  }
  std::vector<at::Tensor> stitched_rows;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::vector<at::Tensor> row;
    for (size_t j = 0; j < rows[i].size(); ++j) {
      auto& tile = rows[i][j];
      if (i > 0) blend_into(rows[i - 1][j], tile, blend, 2);
      if (j > 0) blend_into(rows[i][j - 1], tile, blend, 3);
      row.push_back(tile.slice(2, 0, limit).slice(3, 0, limit));
    }
    stitched_rows.push_back(at::cat(row, 3));  // [B, C, <=limit, W_out]
  }
  return at::cat(stitched_rows, 2);  // [B, C, H_out, W_out]
}

// `fn` on each batch element separately (diffusers' use_slicing), or on the whole batch.
at::Tensor run_sliced(const at::Tensor& x, bool slicing, const std::function<at::Tensor(const at::Tensor&)>& fn) {
  if (!slicing || x.size(0) <= 1) return fn(x);
  std::vector<at::Tensor> parts;
  for (const auto& one : x.split(1)) parts.push_back(fn(one));
  return at::cat(parts, 0);
}

// A per-channel constant from the config as [1, C, 1, 1], on x's device, float32.
at::Tensor channel_constant(const std::vector<double>& values, const at::Tensor& x) {
  return at::tensor(values, x.options().dtype(at::kDouble)).to(at::kFloat).view({1, -1, 1, 1});
}

}  // namespace

at::Tensor LatentDistribution::sample(const at::Tensor& noise) const {
  if (noise.sizes() != mean.sizes())
    throw Error("LatentDistribution::sample: noise " + shape_string(noise.sizes()) + " does not match the mean " +
                shape_string(mean.sizes()));
  // vae.py DiagonalGaussianDistribution.sample: mean + std * eps
  return mean + at::exp(0.5 * logvar) * noise.to(mean.options());
}

AutoencoderKLImpl::AutoencoderKLImpl(const AutoencoderKLConfig& config) : config_(config) {
  const int64_t latent = config.latent_channels;
  encoder = register_module("encoder", vae::Encoder(config));
  decoder = register_module("decoder", vae::Decoder(config));
  if (config.use_quant_conv)
    quant_conv = register_module("quant_conv", Conv2d(2 * latent, 2 * latent, 1));
  if (config.use_post_quant_conv)
    post_quant_conv = register_module("post_quant_conv", Conv2d(latent, latent, 1));
}

void AutoencoderKLImpl::set_memory_options(const VaeMemoryOptions& options) {
  const int64_t unit = 4 * config_.downscale_factor();
  if (options.tile_sample_size < 0 || options.tile_sample_size % unit != 0)
    throw Error("VAE tile_sample_size " + std::to_string(options.tile_sample_size) + " must be a multiple of " +
                std::to_string(unit) + " (or 0 for the config's sample_size)");
  memory_ = options;
}

int64_t AutoencoderKLImpl::tile_sample_size() const {
  return memory_.tile_sample_size > 0 ? memory_.tile_sample_size : config_.sample_size;
}

at::Tensor AutoencoderKLImpl::to_module(const at::Tensor& x) const {
  const auto& weight = encoder->conv_in->weight;
  return x.to(weight.device(), weight.scalar_type());
}

at::Tensor AutoencoderKLImpl::encode_moments(const at::Tensor& image) {
  auto moments = encoder(image);                             // [B, 2 * latent, h, w]
  return quant_conv ? quant_conv(moments) : moments;
}

LatentDistribution AutoencoderKLImpl::encode(const at::Tensor& image) {
  // 1. checks
  const int64_t f = config_.downscale_factor();
  if (image.dim() != 4 || image.size(1) != config_.in_channels || image.size(2) % f != 0 || image.size(3) % f != 0)
    throw Error("AutoencoderKL::encode expects an image [B, " + std::to_string(config_.in_channels) +
                ", H, W] with H and W multiples of " + std::to_string(f) + ", got " + shape_string(image.sizes()));
  const auto x = to_module(image);  // [B, C_in, H, W]
  if (x.device().is_cpu()) {
    share_cpu_with_other_programs();
    release_free_memory();
  }

  // 2. moments (autoencoder_kl.py encode: tiled above the tile size, else whole)
  const int64_t tile = tile_sample_size();
  const auto moments = run_sliced(x, memory_.slicing, [&](const at::Tensor& part) {
    if (memory_.tiling && (part.size(2) > tile || part.size(3) > tile))
      return run_tiled(part, tile, tile / f, [&](const at::Tensor& t) { return encode_moments(t); });
    return encode_moments(part);
  });  // [B, 2 * latent, H/f, W/f]

  // 3. vae.py DiagonalGaussianDistribution
  const auto halves = moments.chunk(2, 1);
  return {halves[0], halves[1].clamp(-30.0, 20.0)};
}

at::Tensor AutoencoderKLImpl::decode_whole(const at::Tensor& z) {
  const auto h = post_quant_conv ? post_quant_conv(z) : z;  // [B, latent, h, w]
  return decoder(h);                                         // [B, out, h*f, w*f]
}

at::Tensor AutoencoderKLImpl::decode(const at::Tensor& z) {
  if (z.dim() != 4 || z.size(1) != config_.latent_channels)
    throw Error("AutoencoderKL::decode expects latents [B, " + std::to_string(config_.latent_channels) +
                ", h, w], got " + shape_string(z.sizes()));
  const auto x = to_module(z);  // [B, latent, h, w]
  if (x.device().is_cpu()) {
    share_cpu_with_other_programs();
    release_free_memory();
  }
  // autoencoder_kl.py decode: tiled above the latent tile size, else whole
  const int64_t tile = tile_sample_size();
  const int64_t latent_tile = tile / config_.downscale_factor();
  return run_sliced(x, memory_.slicing, [&](const at::Tensor& part) {
    if (memory_.tiling && (part.size(2) > latent_tile || part.size(3) > latent_tile))
      return run_tiled(part, latent_tile, tile, [&](const at::Tensor& t) { return decode_whole(t); });
    return decode_whole(part);
  });  // [B, out, h*f, w*f]
}

AutoencoderKL load_vae(const std::filesystem::path& vae_folder, c10::Device device, c10::ScalarType dtype,
                       bool prefer_fp16_weights) {
  const auto config = AutoencoderKLConfig::from_json(JsonConfig::load(vae_folder / "config.json"));
  return load_vae(config, WeightSet::open_folder(vae_folder, "diffusion_pytorch_model", prefer_fp16_weights), device,
                  dtype);
}

AutoencoderKL load_vae(const AutoencoderKLConfig& config, const WeightSource& weights, c10::Device device,
                       c10::ScalarType dtype) {
  AutoencoderKL vae(config);
  vae->to(device, dtype);
  load_weights(*vae, weights);
  vae->eval();
  return vae;
}

namespace {

// One sum per decode or encode (NaN and Inf propagate into it): NaN pixels would otherwise be
// written as black.
void throw_unless_vae_finite(const at::Tensor& values, const char* doing) {
  if (!std::isfinite(values.sum().item<double>()))
    throw Error(std::string("the VAE produced NaN/Inf while ") + doing +
                " (its weights may be damaged, or fp16 overflowed: try fp32/bf16)");
}

}  // namespace

at::Tensor latents_to_image(AutoencoderKL& vae, const at::Tensor& latents) {
  // pipeline_stable_diffusion_xl.py __call__ (latents_mean/std) and SD3's shift_factor
  const auto& c = vae->config();
  auto z = latents.to(at::kFloat);  // [B, latent, h, w]
  if (!c.latents_mean.empty())
    z = z * channel_constant(c.latents_std, z) / c.scaling_factor + channel_constant(c.latents_mean, z);
  else
    z = z / c.scaling_factor;
  if (c.shift_factor) z = z + *c.shift_factor;
  const auto image = vae->decode(z).to(at::kFloat);  // [B, 3, 8h, 8w] in about [-1, 1]
  throw_unless_vae_finite(image, "decoding the latents");
  // image_processor.py VaeImageProcessor.denormalize
  return (image / 2 + 0.5).clamp(0, 1);
}

at::Tensor image_to_latents(AutoencoderKL& vae, const at::Tensor& image01) {
  // image_processor.py normalize, then the inverse of latents_to_image's mapping
  const auto& c = vae->config();
  const auto image = image01.to(at::kFloat) * 2.0 - 1.0;        // [B, 3, H, W] in [-1, 1]
  auto mean = vae->encode(image).mean.to(at::kFloat);           // [B, latent, H/8, W/8]
  throw_unless_vae_finite(mean, "encoding the image");
  if (c.shift_factor) mean = mean - *c.shift_factor;
  if (!c.latents_mean.empty())
    return (mean - channel_constant(c.latents_mean, mean)) * c.scaling_factor / channel_constant(c.latents_std, mean);
  return mean * c.scaling_factor;
}

}  // namespace partedit
