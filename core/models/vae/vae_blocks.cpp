#include "models/vae/vae_blocks.h"

#include <ATen/ATen.h>

#include "nn/attention.h"
#include "nn/resnet.h"
#include "runtime/cancel.h"

namespace partedit::vae {

namespace {

Conv2d vae_conv3x3(int64_t in, int64_t out) {
  return Conv2d(in, out, 3, /*stride=*/1, /*padding=*/1);
}

torch::nn::GroupNorm group_norm(int64_t groups, int64_t channels) {
  return torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, channels).eps(1e-6));
}

// The resnets of a Down/Up block: the first maps in -> out, the rest out -> out.
torch::nn::ModuleList make_resnets(const VaeBlockOptions& o) {
  torch::nn::ModuleList resnets;
  for (int64_t i = 0; i < o.num_layers; ++i) {
    ResnetBlock2DOptions r;
    r.in_channels = i == 0 ? o.in_channels : o.out_channels;
    r.out_channels = o.out_channels;
    r.groups = o.groups;
    r.eps = o.eps;
    resnets->push_back(ResnetBlock2D(r));
  }
  return resnets;
}

at::Tensor run_resnets(const torch::nn::ModuleList& resnets, at::Tensor x) {
  for (const auto& resnet : *resnets) x = resnet->as<ResnetBlock2D>()->forward(x);  // [B, C_out, H, W]
  return x;
}

// The dtype of a module's first parameter (the dtype its forward runs in).
c10::ScalarType parameter_dtype(const torch::nn::Module& module) {
  for (const auto& p : module.parameters()) return p.scalar_type();
  return c10::kFloat;
}

}  // namespace

// ---- DownEncoderBlock2D (unet_2d_blocks.py) ----

DownEncoderBlock2DImpl::DownEncoderBlock2DImpl(const VaeBlockOptions& o) {
  resnets = register_module("resnets", make_resnets(o));
  downsamplers = register_module("downsamplers", torch::nn::ModuleList());
  if (o.add_sampler) downsamplers->push_back(Downsample2D(o.out_channels, o.out_channels, /*padding=*/0));
}

at::Tensor DownEncoderBlock2DImpl::forward(const at::Tensor& x) {
  auto h = run_resnets(resnets, x);                                              // [B, C_out, H, W]
  for (const auto& down : *downsamplers) h = down->as<Downsample2D>()->forward(h);  // [B, C_out, H/2, W/2]
  return h;
}

// ---- UpDecoderBlock2D (unet_2d_blocks.py) ----

UpDecoderBlock2DImpl::UpDecoderBlock2DImpl(const VaeBlockOptions& o) {
  resnets = register_module("resnets", make_resnets(o));
  upsamplers = register_module("upsamplers", torch::nn::ModuleList());
  if (o.add_sampler) upsamplers->push_back(Upsample2D(o.out_channels, o.out_channels));
}

at::Tensor UpDecoderBlock2DImpl::forward(const at::Tensor& x) {
  auto h = run_resnets(resnets, x);                                        // [B, C_out, H, W]
  for (const auto& up : *upsamplers) h = up->as<Upsample2D>()->forward(h);  // [B, C_out, 2H, 2W]
  return h;
}

// ---- UNetMidBlock2D (unet_2d_blocks.py), temb_channels None ----

UNetMidBlock2DImpl::UNetMidBlock2DImpl(const UNetMidBlock2DOptions& o) {
  ResnetBlock2DOptions r;
  r.in_channels = o.channels;
  r.out_channels = o.channels;
  r.groups = o.groups;
  r.eps = o.eps;
  resnets = register_module("resnets", torch::nn::ModuleList());
  attentions = register_module("attentions", torch::nn::ModuleList());
  resnets->push_back(ResnetBlock2D(r));
  if (o.add_attention) {
    // Attention(in_channels, heads = C / head_dim, dim_head = head_dim, norm_num_groups,
    // eps = resnet_eps, residual_connection, bias): the VAE's single-head spatial attention.
    const int64_t head_dim = o.attention_head_dim > 0 ? o.attention_head_dim : o.channels;
    AttentionOptions a;
    a.query_dim = o.channels;
    a.heads = o.channels / head_dim;
    a.dim_head = head_dim;
    a.bias = true;
    a.out_bias = true;
    a.norm_num_groups = o.groups;
    a.norm_eps = o.eps;
    a.residual_connection = true;
    attentions->push_back(Attention(a));
  }
  resnets->push_back(ResnetBlock2D(r));
}

at::Tensor UNetMidBlock2DImpl::forward(const at::Tensor& x) {
  // 1. first resnet
  auto h = resnets[0]->as<ResnetBlock2D>()->forward(x);  // [B, C, H, W]
  // 2. attention (absent with mid_block_add_attention = false), then the second resnet
  if (!attentions->is_empty()) h = attentions[0]->as<Attention>()->forward(h);  // [B, C, H, W]
  return resnets[1]->as<ResnetBlock2D>()->forward(h);     // [B, C, H, W]
}

namespace {
UNetMidBlock2D make_mid_block(const AutoencoderKLConfig& c) {
  UNetMidBlock2DOptions m;
  m.channels = c.block_out_channels.back();
  m.groups = c.norm_num_groups;
  m.attention_head_dim = c.block_out_channels.back();  // vae.py: one head over all channels
  m.add_attention = c.mid_block_add_attention;
  return UNetMidBlock2D(m);
}
}  // namespace

// ---- Encoder (vae.py) ----

EncoderImpl::EncoderImpl(const AutoencoderKLConfig& c) {
  const auto& channels = c.block_out_channels;
  conv_in = register_module("conv_in", vae_conv3x3(c.in_channels, channels.front()));
  down_blocks = register_module("down_blocks", torch::nn::ModuleList());
  for (size_t i = 0; i < channels.size(); ++i) {
    VaeBlockOptions b;
    b.in_channels = i == 0 ? channels.front() : channels[i - 1];
    b.out_channels = channels[i];
    b.num_layers = c.layers_per_block;
    b.groups = c.norm_num_groups;
    b.add_sampler = i + 1 < channels.size();
    down_blocks->push_back(DownEncoderBlock2D(b));
  }
  mid_block = register_module("mid_block", make_mid_block(c));
  conv_norm_out = register_module("conv_norm_out", group_norm(c.norm_num_groups, channels.back()));
  conv_out = register_module("conv_out", vae_conv3x3(channels.back(), 2 * c.latent_channels));  // double_z
}

at::Tensor EncoderImpl::forward(const at::Tensor& image) {
  // 1. in
  auto h = conv_in(image);  // [B, C_0, H, W]
  // 2. down
  for (const auto& block : *down_blocks) {
    cancellation_point();  // a long encode stops between blocks (and their resnets)
    h = block->as<DownEncoderBlock2D>()->forward(h);  // [B, C_n, H/f, W/f]
  }
  // 3. mid
  h = mid_block(h);  // [B, C_n, H/f, W/f]
  // 4. out
  return conv_out(at::silu(conv_norm_out(h)));  // [B, 2 * latent, H/f, W/f]
}

// ---- Decoder (vae.py) ----

DecoderImpl::DecoderImpl(const AutoencoderKLConfig& c) {
  const std::vector<int64_t> reversed(c.block_out_channels.rbegin(), c.block_out_channels.rend());
  conv_in = register_module("conv_in", vae_conv3x3(c.latent_channels, reversed.front()));
  mid_block = register_module("mid_block", make_mid_block(c));
  up_blocks = register_module("up_blocks", torch::nn::ModuleList());
  for (size_t i = 0; i < reversed.size(); ++i) {
    VaeBlockOptions b;
    b.in_channels = i == 0 ? reversed.front() : reversed[i - 1];
    b.out_channels = reversed[i];
    b.num_layers = c.layers_per_block + 1;  // vae.py: the decoder has one more resnet per block
    b.groups = c.norm_num_groups;
    b.add_sampler = i + 1 < reversed.size();
    up_blocks->push_back(UpDecoderBlock2D(b));
  }
  conv_norm_out = register_module("conv_norm_out", group_norm(c.norm_num_groups, reversed.back()));
  conv_out = register_module("conv_out", vae_conv3x3(reversed.back(), c.out_channels));
}

at::Tensor DecoderImpl::forward(const at::Tensor& z) {
  // 1. in
  auto h = conv_in(z);  // [B, C_n, h, w]
  // 2. mid, then to the up blocks' dtype (vae.py: upscale_dtype)
  h = mid_block(h).to(parameter_dtype(*up_blocks));  // [B, C_n, h, w]
  // 3. up
  for (const auto& block : *up_blocks) {
    cancellation_point();  // a long decode stops between blocks (and their resnets)
    h = block->as<UpDecoderBlock2D>()->forward(h);  // [B, C_0, h*f, w*f]
  }
  // 4. out
  return conv_out(at::silu(conv_norm_out(h)));  // [B, C_out, h*f, w*f]
}

}  // namespace partedit::vae
