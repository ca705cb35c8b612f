#include "models/blip2/blip2_qformer.h"

#include <cmath>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "models/blip2/blip2_vision.h"
#include "runtime/error.h"

namespace partedit {
namespace nn = torch::nn;

Blip2QFormerConfig Blip2QFormerConfig::from_json(const JsonConfig& cfg) {
  Blip2QFormerConfig c;  // defaults of transformers' Blip2QFormerConfig
  c.hidden_size = cfg.get_or<int64_t>("hidden_size", c.hidden_size);
  c.num_hidden_layers = cfg.get_or<int64_t>("num_hidden_layers", c.num_hidden_layers);
  c.num_attention_heads = cfg.get_or<int64_t>("num_attention_heads", c.num_attention_heads);
  c.intermediate_size = cfg.get_or<int64_t>("intermediate_size", c.intermediate_size);
  c.hidden_act = cfg.get_or<std::string>("hidden_act", c.hidden_act);
  c.layer_norm_eps = cfg.get_or<double>("layer_norm_eps", c.layer_norm_eps);
  c.cross_attention_frequency = cfg.get_or<int64_t>("cross_attention_frequency", c.cross_attention_frequency);
  c.encoder_hidden_size = cfg.get_or<int64_t>("encoder_hidden_size", c.encoder_hidden_size);
  c.position_embedding_type = cfg.get_or<std::string>("position_embedding_type", c.position_embedding_type);
  check_blip2_activation(c.hidden_act, "hidden_act", cfg);
  const auto where = " in " + cfg.source().string();
  if (c.num_attention_heads < 1 || c.hidden_size % c.num_attention_heads != 0)
    throw Error("config key 'hidden_size'" + where + " is not divisible by 'num_attention_heads'");
  if (c.cross_attention_frequency < 1)
    throw Error("config key 'cross_attention_frequency'" + where + " must be positive");
  // Relative position types only act on text tokens' key positions; queries use none here.
  if (c.position_embedding_type != "absolute")
    throw Error("config key 'position_embedding_type'" + where + " is '" + c.position_embedding_type +
                "'; only 'absolute' is supported");
  return c;
}

namespace {
nn::LayerNorm qformer_layer_norm(const Blip2QFormerConfig& c) {
  return nn::LayerNorm(nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps));
}
}  // namespace

// ---- Blip2QFormerMultiHeadAttention (BERT self-attention, scores / sqrt(d)) ----

Blip2QFormerMultiHeadAttentionImpl::Blip2QFormerMultiHeadAttentionImpl(const Blip2QFormerConfig& c, bool cross)
    : query(register_module("query", Linear(c.hidden_size, c.hidden_size))),
      key(register_module("key", Linear(cross ? c.encoder_hidden_size : c.hidden_size, c.hidden_size))),
      value(register_module("value", Linear(cross ? c.encoder_hidden_size : c.hidden_size, c.hidden_size))),
      heads_(c.num_attention_heads) {}

at::Tensor Blip2QFormerMultiHeadAttentionImpl::forward(const at::Tensor& hidden, const at::Tensor& context) {
  const int64_t B = hidden.size(0), Q = hidden.size(1), D = query->out_features, d = D / heads_;
  auto split = [&](const at::Tensor& x) { return x.view({B, -1, heads_, d}).permute({0, 2, 1, 3}); };
  const auto k = split(key(context));   // [B, H, S, d]
  const auto v = split(value(context));  // [B, H, S, d]
  const auto q = split(query(hidden));   // [B, H, Q, d]
  // every position is attended (all-ones masks): no additive mask
  const auto scores = at::matmul(q, k.transpose(-1, -2)) / std::sqrt(double(d));  // [B, H, Q, S]
  const auto context_layer = at::matmul(at::softmax(scores, -1), v);               // [B, H, Q, d]
  return context_layer.permute({0, 2, 1, 3}).reshape({B, Q, D});                  // [B, Q, D]
}

Blip2QFormerOutputImpl::Blip2QFormerOutputImpl(int64_t in_features, const Blip2QFormerConfig& c)
    : dense(register_module("dense", Linear(in_features, c.hidden_size))),
      LayerNorm(register_module("LayerNorm", qformer_layer_norm(c))) {}

at::Tensor Blip2QFormerOutputImpl::forward(const at::Tensor& hidden, const at::Tensor& residual) {
  return LayerNorm(dense(hidden) + residual);  // [B, Q, D]
}

Blip2QFormerAttentionImpl::Blip2QFormerAttentionImpl(const Blip2QFormerConfig& c, bool cross)
    : attention(register_module("attention", Blip2QFormerMultiHeadAttention(c, cross))),
      output(register_module("output", Blip2QFormerOutput(c.hidden_size, c))) {}

at::Tensor Blip2QFormerAttentionImpl::forward(const at::Tensor& hidden, const at::Tensor& context) {
  return output(attention(hidden, context), hidden);  // [B, Q, D]
}

Blip2QFormerIntermediateImpl::Blip2QFormerIntermediateImpl(const Blip2QFormerConfig& c)
    : dense(register_module("dense", Linear(c.hidden_size, c.intermediate_size))), act_(c.hidden_act) {}

at::Tensor Blip2QFormerIntermediateImpl::forward(const at::Tensor& hidden) {
  return blip2_activation(act_, dense(hidden));  // [B, Q, I]
}

// ---- Blip2QFormerLayer ----

Blip2QFormerLayerImpl::Blip2QFormerLayerImpl(const Blip2QFormerConfig& c, int64_t layer_idx)
    : attention(register_module("attention", Blip2QFormerAttention(c, false))) {
  if (layer_idx % c.cross_attention_frequency == 0)
    crossattention = register_module("crossattention", Blip2QFormerAttention(c, true));
  intermediate_query = register_module("intermediate_query", Blip2QFormerIntermediate(c));
  output_query = register_module("output_query", Blip2QFormerOutput(c.intermediate_size, c));
}

at::Tensor Blip2QFormerLayerImpl::forward(const at::Tensor& queries, const at::Tensor& image_embeds) {
  // 1. self-attention among the queries
  auto h = attention(queries, queries);  // [B, Q, D]
  // 2. cross-attention to the image features (every cross_attention_frequency-th layer)
  if (crossattention) h = crossattention(h, image_embeds);  // [B, Q, D]
  // 3. the query feed-forward
  return output_query(intermediate_query(h), h);  // [B, Q, D]
}

Blip2QFormerEncoderImpl::Blip2QFormerEncoderImpl(const Blip2QFormerConfig& c)
    : layer(register_module("layer", nn::ModuleList())) {
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    typed_layers_.emplace_back(c, i);
    layer->push_back(typed_layers_.back());
  }
}

at::Tensor Blip2QFormerEncoderImpl::forward(const at::Tensor& queries, const at::Tensor& image_embeds) {
  at::Tensor h = queries;  // [B, Q, D]
  for (auto& l : typed_layers_) h = l(h, image_embeds);
  return h;
}

Blip2QFormerModelImpl::Blip2QFormerModelImpl(const Blip2QFormerConfig& c)
    : layernorm(register_module("layernorm", qformer_layer_norm(c))),
      encoder(register_module("encoder", Blip2QFormerEncoder(c))) {}

at::Tensor Blip2QFormerModelImpl::forward(const at::Tensor& query_embeds, const at::Tensor& image_embeds) {
  // the query tokens are layer-normed before layer 0 (Blip2QFormerModel.forward)
  const auto h = layernorm(query_embeds.to(layernorm->weight.scalar_type()));  // [B, Q, D]
  return encoder(h, image_embeds.to(layernorm->weight.scalar_type()));          // [B, Q, D]
}

}  // namespace partedit
