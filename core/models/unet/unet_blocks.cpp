#include "models/unet/unet_blocks.h"

#include <ATen/ATen.h>

namespace partedit {

namespace {

ResnetBlock2D make_resnet(int64_t in, int64_t out, const UNetBlockOptions& o) {
  ResnetBlock2DOptions r;
  r.in_channels = in;
  r.out_channels = out;
  r.temb_channels = o.temb_channels;
  r.groups = o.resnet_groups;
  r.eps = o.resnet_eps;
  r.output_scale_factor = o.output_scale_factor;
  return ResnetBlock2D(r);
}

Transformer2DModel make_transformer(int64_t channels, const UNetBlockOptions& o) {
  // diffusers unet_2d_blocks.py: Transformer2DModel(heads, channels // heads, in_channels=channels, ...)
  Transformer2DModelOptions t;
  t.num_attention_heads = o.num_attention_heads;
  t.attention_head_dim = channels / o.num_attention_heads;
  t.in_channels = channels;
  t.num_layers = o.transformer_layers;
  t.cross_attention_dim = o.cross_attention_dim;
  t.norm_num_groups = o.resnet_groups;
  t.use_linear_projection = o.use_linear_projection;
  return Transformer2DModel(t);
}

// Up-block resnet i concatenates the running state with skip i: diffusers' channel bookkeeping.
int64_t up_resnet_in_channels(const UNetBlockOptions& o, int64_t i) {
  const int64_t skip = i == o.num_layers - 1 ? o.in_channels : o.out_channels;
  const int64_t running = i == 0 ? o.prev_output_channel : o.out_channels;
  return running + skip;
}

at::Tensor pop_skip(std::vector<at::Tensor>& skips) {
  auto skip = std::move(skips.back());
  skips.pop_back();
  return skip;
}

}  // namespace

// ---- down ---------------------------------------------------------------------------------

DownBlock2DImpl::DownBlock2DImpl(const UNetBlockOptions& o) {
  resnets = register_module("resnets", torch::nn::ModuleList());
  for (int64_t i = 0; i < o.num_layers; ++i) {
    resnets_.push_back(make_resnet(i == 0 ? o.in_channels : o.out_channels, o.out_channels, o));
    resnets->push_back(resnets_.back());
  }
  if (o.add_sampler) {
    downsamplers = register_module("downsamplers", torch::nn::ModuleList());
    downsampler_ = Downsample2D(o.out_channels, o.out_channels, o.downsample_padding);
    downsamplers->push_back(downsampler_);
  }
}

at::Tensor DownBlock2DImpl::forward(const at::Tensor& x, const at::Tensor& temb, const at::Tensor& /*context*/,
                                    std::vector<at::Tensor>& skips) {
  // diffusers unet_2d_blocks.py DownBlock2D.forward
  at::Tensor h = x;
  for (auto& resnet : resnets_) {
    h = resnet(h, temb);  // [B, C_out, H, W]
    skips.push_back(h);
  }
  if (downsampler_) {
    h = downsampler_(h);  // [B, C_out, H/2, W/2]
    skips.push_back(h);
  }
  return h;
}

CrossAttnDownBlock2DImpl::CrossAttnDownBlock2DImpl(const UNetBlockOptions& o) : DownBlock2DImpl(o) {
  attentions = register_module("attentions", torch::nn::ModuleList());
  for (int64_t i = 0; i < o.num_layers; ++i) {
    attentions_.push_back(make_transformer(o.out_channels, o));
    attentions->push_back(attentions_.back());
  }
}

at::Tensor CrossAttnDownBlock2DImpl::forward(const at::Tensor& x, const at::Tensor& temb, const at::Tensor& context,
                                             std::vector<at::Tensor>& skips) {
  // diffusers unet_2d_blocks.py CrossAttnDownBlock2D.forward: resnet, attention, per layer
  at::Tensor h = x;
  for (size_t i = 0; i < resnets_.size(); ++i) {
    h = resnets_[i](h, temb);          // [B, C_out, H, W]
    h = attentions_[i](h, context);    // [B, C_out, H, W]
    skips.push_back(h);
  }
  if (downsampler_) {
    h = downsampler_(h);  // [B, C_out, H/2, W/2]
    skips.push_back(h);
  }
  return h;
}

// ---- mid ----------------------------------------------------------------------------------

UNetMidBlock2DCrossAttnImpl::UNetMidBlock2DCrossAttnImpl(const UNetBlockOptions& o) {
  attentions = register_module("attentions", torch::nn::ModuleList());
  resnets = register_module("resnets", torch::nn::ModuleList());
  resnets_.push_back(make_resnet(o.in_channels, o.in_channels, o));
  resnets->push_back(resnets_.back());
  for (int64_t i = 0; i < o.num_layers; ++i) {
    attentions_.push_back(make_transformer(o.in_channels, o));
    attentions->push_back(attentions_.back());
    resnets_.push_back(make_resnet(o.in_channels, o.in_channels, o));
    resnets->push_back(resnets_.back());
  }
}

at::Tensor UNetMidBlock2DCrossAttnImpl::forward(const at::Tensor& x, const at::Tensor& temb,
                                                const at::Tensor& context) {
  // diffusers unet_2d_blocks.py UNetMidBlock2DCrossAttn.forward
  auto h = resnets_[0](x, temb);  // [B, C, H, W]
  for (size_t i = 0; i < attentions_.size(); ++i) {
    h = attentions_[i](h, context);  // [B, C, H, W]
    h = resnets_[i + 1](h, temb);    // [B, C, H, W]
  }
  return h;
}

// ---- up -----------------------------------------------------------------------------------

UpBlock2DImpl::UpBlock2DImpl(const UNetBlockOptions& o) {
  resnets = register_module("resnets", torch::nn::ModuleList());
  for (int64_t i = 0; i < o.num_layers; ++i) {
    resnets_.push_back(make_resnet(up_resnet_in_channels(o, i), o.out_channels, o));
    resnets->push_back(resnets_.back());
  }
  if (o.add_sampler) {
    upsamplers = register_module("upsamplers", torch::nn::ModuleList());
    upsampler_ = Upsample2D(o.out_channels, o.out_channels);
    upsamplers->push_back(upsampler_);
  }
}

at::Tensor UpBlock2DImpl::upsample(const at::Tensor& x, const std::vector<at::Tensor>& skips) {
  if (!upsampler_) return x;
  // diffusers passes upsample_size = the next skip's size only for odd sizes; nearest
  // interpolation to that size equals 2x otherwise, so it is always passed here.
  if (skips.empty()) return upsampler_(x);
  return upsampler_(x, skips.back().sizes().slice(2));  // [B, C_out, H', W']
}

at::Tensor UpBlock2DImpl::forward(const at::Tensor& x, std::vector<at::Tensor>& skips, const at::Tensor& temb,
                                  const at::Tensor& /*context*/) {
  // diffusers unet_2d_blocks.py UpBlock2D.forward
  at::Tensor h = x;
  for (auto& resnet : resnets_) {
    h = resnet(at::cat({h, pop_skip(skips)}, 1), temb);  // [B, C_out, H, W]
  }
  return upsample(h, skips);
}

CrossAttnUpBlock2DImpl::CrossAttnUpBlock2DImpl(const UNetBlockOptions& o) : UpBlock2DImpl(o) {
  attentions = register_module("attentions", torch::nn::ModuleList());
  for (int64_t i = 0; i < o.num_layers; ++i) {
    attentions_.push_back(make_transformer(o.out_channels, o));
    attentions->push_back(attentions_.back());
  }
}

at::Tensor CrossAttnUpBlock2DImpl::forward(const at::Tensor& x, std::vector<at::Tensor>& skips,
                                           const at::Tensor& temb, const at::Tensor& context) {
  // diffusers unet_2d_blocks.py CrossAttnUpBlock2D.forward: concat skip, resnet, attention
  at::Tensor h = x;
  for (size_t i = 0; i < resnets_.size(); ++i) {
    h = resnets_[i](at::cat({h, pop_skip(skips)}, 1), temb);  // [B, C_out, H, W]
    h = attentions_[i](h, context);                           // [B, C_out, H, W]
  }
  return upsample(h, skips);
}

}  // namespace partedit
