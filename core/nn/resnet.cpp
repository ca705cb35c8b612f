#include "nn/resnet.h"

#include "runtime/cancel.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

namespace partedit {

namespace {
Conv2d conv3x3(int64_t in, int64_t out, int64_t stride = 1, int64_t padding = 1) {
  return Conv2d(in, out, 3, stride, padding);
}

// silu of a temporary nobody else holds (a norm's output): in place when no gradient is
// recorded, which saves one activation-sized buffer (537 MB in a 1024² VAE decode's last
// level); out of place while training, whose backward needs the input.
at::Tensor silu_of_temporary(at::Tensor t) {
  return at::GradMode::is_enabled() ? at::silu(t) : at::silu_(t);
}

// Nearest 2x upsampling as an exact copy of each pixel into a 2x2 block: no kernel needed,
// so bf16 needs no fp32 round trip (which took 2.5x the output's memory).
at::Tensor upsample_nearest_2x(const at::Tensor& x) {
  const auto b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  return x.view({b, c, h, 1, w, 1}).expand({b, c, h, 2, w, 2}).reshape({b, c, 2 * h, 2 * w});
}
}  // namespace

ResnetBlock2DImpl::ResnetBlock2DImpl(const ResnetBlock2DOptions& o) : output_scale_factor_(o.output_scale_factor) {
  const int64_t out = o.out_channels > 0 ? o.out_channels : o.in_channels;
  const int64_t groups_out = o.groups_out > 0 ? o.groups_out : o.groups;
  norm1 = register_module("norm1", torch::nn::GroupNorm(torch::nn::GroupNormOptions(o.groups, o.in_channels).eps(o.eps)));
  conv1 = register_module("conv1", conv3x3(o.in_channels, out));
  if (o.temb_channels > 0)
    time_emb_proj = register_module("time_emb_proj", Linear(o.temb_channels, out));
  norm2 = register_module("norm2", torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups_out, out).eps(o.eps)));
  // dropout between norm2 and conv2: identity at inference
  conv2 = register_module("conv2", conv3x3(out, out));
  if (o.use_in_shortcut || o.in_channels != out)
    conv_shortcut = register_module("conv_shortcut", Conv2d(o.in_channels, out, 1));
}

at::Tensor ResnetBlock2DImpl::forward(const at::Tensor& x, const at::Tensor& temb) {
  // diffusers resnet.py ResnetBlock2D.forward, time_embedding_norm "default"
  cancellation_point();  // a cancel lands within one block, even in a step of a huge image
  auto h = conv1(silu_of_temporary(norm1(x)));              // [B, C_out, H, W]
  if (time_emb_proj && temb.defined())
    h = h + time_emb_proj(at::silu(temb)).unsqueeze(-1).unsqueeze(-1);
  h = conv2(silu_of_temporary(norm2(h)));                   // [B, C_out, H, W]
  const auto shortcut = conv_shortcut ? conv_shortcut(x) : x;
  auto out = shortcut + h;
  if (output_scale_factor_ != 1.0) out = out / output_scale_factor_;
  return out;
}

Downsample2DImpl::Downsample2DImpl(int64_t channels, int64_t out_channels, int64_t padding) : padding_(padding) {
  conv = register_module("conv", conv3x3(channels, out_channels, 2, padding));
}

at::Tensor Downsample2DImpl::forward(const at::Tensor& x) {
  if (padding_ == 0) return conv(at::constant_pad_nd(x, {0, 1, 0, 1}, 0));  // VAE: pad right/bottom
  return conv(x);
}

Upsample2DImpl::Upsample2DImpl(int64_t channels, int64_t out_channels) {
  conv = register_module("conv", conv3x3(channels, out_channels));
}

at::Tensor Upsample2DImpl::forward(const at::Tensor& x, c10::IntArrayRef output_size) {
  if (output_size.empty() || (output_size[0] == 2 * x.size(2) && output_size[1] == 2 * x.size(3)))
    return conv(upsample_nearest_2x(x.contiguous()));
  // Other sizes (a UNet's odd levels): LibTorch 1.13 has no bf16 kernel for nearest
  // upsampling, so bf16 goes through fp32.
  const bool via_float = x.scalar_type() == at::kBFloat16;
  auto in = via_float ? x.to(at::kFloat) : x;
  auto up = output_size.empty() ? at::upsample_nearest2d(in, {in.size(2) * 2, in.size(3) * 2})
                                : at::upsample_nearest2d(in, output_size);
  if (via_float) up = up.to(x.scalar_type());
  return conv(up);
}

}  // namespace partedit
