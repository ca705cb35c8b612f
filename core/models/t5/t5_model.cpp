#include "models/t5/t5_model.h"

#include <cmath>
#include <limits>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "runtime/error.h"

namespace partedit {

T5Config T5Config::from_json(const JsonConfig& cfg) {
  T5Config c;
  c.vocab_size = cfg.get<int64_t>("vocab_size");
  c.d_model = cfg.get<int64_t>("d_model");
  c.d_kv = cfg.get<int64_t>("d_kv");
  c.d_ff = cfg.get<int64_t>("d_ff");
  c.num_layers = cfg.get<int64_t>("num_layers");
  c.num_heads = cfg.get<int64_t>("num_heads");
  // Defaults of transformers' T5Config.
  c.num_decoder_layers = cfg.get_or<int64_t>("num_decoder_layers", c.num_layers);
  c.relative_attention_num_buckets = cfg.get_or<int64_t>("relative_attention_num_buckets", 32);
  c.relative_attention_max_distance = cfg.get_or<int64_t>("relative_attention_max_distance", 128);
  c.layer_norm_epsilon = cfg.get_or<double>("layer_norm_epsilon", 1e-6);
  c.tie_word_embeddings = cfg.get_or<bool>("tie_word_embeddings", true);
  c.pad_token_id = cfg.get_or<int64_t>("pad_token_id", 0);
  c.eos_token_id = cfg.get_or<int64_t>("eos_token_id", 1);
  c.decoder_start_token_id = cfg.get_or<int64_t>("decoder_start_token_id", c.pad_token_id);

  // T5Config.__init__: "gated-gelu" means gelu_new; otherwise "[gated-]act".
  const auto where = " in " + cfg.source().string();
  const auto proj = cfg.get_or<std::string>("feed_forward_proj", "relu");
  const auto dash = proj.find('-');
  c.is_gated_act = dash != std::string::npos && proj.substr(0, dash) == "gated";
  c.dense_act_fn = dash == std::string::npos ? proj : proj.substr(dash + 1);
  if ((dash != std::string::npos && !c.is_gated_act) || proj.find('-', dash + 1) != std::string::npos)
    throw Error("config key 'feed_forward_proj'" + where + " is '" + proj + "'; expected ACT or gated-ACT");
  if (proj == "gated-gelu") c.dense_act_fn = "gelu_new";
  if (c.dense_act_fn != "relu" && c.dense_act_fn != "gelu" && c.dense_act_fn != "gelu_new")
    throw Error("config key 'feed_forward_proj'" + where + " is '" + proj + "'; supported activations: relu, gelu, gelu_new");
  for (const auto& [key, value] : {std::pair<const char*, int64_t>{"vocab_size", c.vocab_size}, {"d_model", c.d_model},
                                   {"d_kv", c.d_kv}, {"d_ff", c.d_ff}, {"num_layers", c.num_layers},
                                   {"num_heads", c.num_heads}, {"num_decoder_layers", c.num_decoder_layers},
                                   {"relative_attention_num_buckets", c.relative_attention_num_buckets}})
    if (value < 1) throw Error(std::string("config key '") + key + "'" + where + " must be positive");
  return c;
}

const std::vector<std::string>& t5_aliased_keys() {
  static const std::vector<std::string> keys = {"encoder.embed_tokens.weight", "decoder.embed_tokens.weight"};
  return keys;
}

// transformers modeling_t5.py, T5Attention._relative_position_bucket (same float32 ops).
at::Tensor t5_relative_position_bucket(const at::Tensor& relative_position, bool bidirectional, int64_t num_buckets,
                                       int64_t max_distance) {
  auto relative = relative_position.to(at::kLong);
  auto buckets = at::zeros_like(relative);
  if (bidirectional) {
    num_buckets /= 2;
    buckets = buckets + (relative > 0).to(at::kLong) * num_buckets;
    relative = relative.abs();
  } else {
    relative = -at::minimum(relative, at::zeros_like(relative));
  }
  // relative is now >= 0: half the buckets exact, the rest logarithmic up to max_distance
  const int64_t max_exact = num_buckets / 2;
  const auto is_small = relative < max_exact;
  auto if_large = max_exact + (at::log(relative.to(at::kFloat) / float(max_exact)) /
                               float(std::log(double(max_distance) / double(max_exact))) * float(num_buckets - max_exact))
                                  .to(at::kLong);
  if_large = at::minimum(if_large, at::full_like(if_large, num_buckets - 1));
  return buckets + at::where(is_small, relative, if_large);
}

// ---- T5LayerNorm: RMS norm, variance in float32 ----

T5LayerNormImpl::T5LayerNormImpl(int64_t hidden_size, double eps) : eps_(eps) {
  weight = register_parameter("weight", at::ones({hidden_size}));
}

at::Tensor T5LayerNormImpl::forward(const at::Tensor& hidden) {
  const auto variance = hidden.to(at::kFloat).pow(2).mean(-1, /*keepdim=*/true);  // [..., 1]
  auto h = hidden * at::rsqrt(variance + eps_);                                    // [..., D] float32
  if (weight.scalar_type() == at::kHalf || weight.scalar_type() == at::kBFloat16) h = h.to(weight.scalar_type());
  return weight * h;
}

// ---- T5Attention ----

T5AttentionImpl::T5AttentionImpl(const T5Config& c, bool has_relative_attention_bias, bool is_decoder)
    : q(register_module("q", Linear(c.d_model, c.inner_dim(), false))),
      k(register_module("k", Linear(c.d_model, c.inner_dim(), false))),
      v(register_module("v", Linear(c.d_model, c.inner_dim(), false))),
      o(register_module("o", Linear(c.inner_dim(), c.d_model, false))),
      heads_(c.num_heads),
      d_kv_(c.d_kv),
      num_buckets_(c.relative_attention_num_buckets),
      max_distance_(c.relative_attention_max_distance),
      bidirectional_(!is_decoder) {
  if (has_relative_attention_bias)
    relative_attention_bias = register_module("relative_attention_bias", Embedding(num_buckets_, heads_));
}

at::Tensor T5AttentionImpl::heads(const at::Tensor& projected) const {
  return projected.view({projected.size(0), -1, heads_, d_kv_}).transpose(1, 2);  // [B, H, T, d]
}

at::Tensor T5AttentionImpl::attend(const at::Tensor& qh, const at::Tensor& kh, const at::Tensor& vh,
                                   const at::Tensor& bias) {
  auto scores = at::matmul(qh, kh.transpose(-1, -2));  // [B, H, q, k], no scaling in T5
  if (bias.defined()) scores = scores + bias;
  const auto probs = at::softmax(scores.to(at::kFloat), -1).to(scores.scalar_type());  // [B, H, q, k]
  const auto out = at::matmul(probs, vh).transpose(1, 2);                             // [B, q, H, d]
  return o(out.reshape({out.size(0), out.size(1), heads_ * d_kv_}));                 // [B, q, D]
}

at::Tensor T5AttentionImpl::compute_bias(int64_t query_length, int64_t key_length, int64_t offset) {
  const auto device = relative_attention_bias->weight.device();
  const auto opts = at::TensorOptions().dtype(at::kLong).device(device);
  const auto context = at::arange(offset, offset + query_length, opts).unsqueeze(1);  // [q, 1]
  const auto memory = at::arange(key_length, opts).unsqueeze(0);                     // [1, k]
  const auto buckets = t5_relative_position_bucket(memory - context, bidirectional_, num_buckets_, max_distance_);
  return relative_attention_bias(buckets).permute({2, 0, 1}).unsqueeze(0);  // [1, H, q, k]
}

// ---- sub-layers ----

T5LayerSelfAttentionImpl::T5LayerSelfAttentionImpl(const T5Config& c, bool has_bias, bool is_decoder)
    : SelfAttention(register_module("SelfAttention", T5Attention(c, has_bias, is_decoder))),
      layer_norm(register_module("layer_norm", T5LayerNorm(c.d_model, c.layer_norm_epsilon))) {}

at::Tensor T5LayerSelfAttentionImpl::forward(const at::Tensor& hidden, const at::Tensor& bias, T5LayerCache* cache) {
  const auto normed = layer_norm(hidden);                    // [B, t, D]
  auto kh = SelfAttention->heads(SelfAttention->k(normed));  // [B, H, t, d]
  auto vh = SelfAttention->heads(SelfAttention->v(normed));  // [B, H, t, d]
  if (cache) {
    if (cache->self_k.defined()) {
      kh = at::cat({cache->self_k, kh}, 2);  // [B, H, past + t, d]
      vh = at::cat({cache->self_v, vh}, 2);
    }
    cache->self_k = kh;
    cache->self_v = vh;
  }
  const auto qh = SelfAttention->heads(SelfAttention->q(normed));  // [B, H, t, d]
  return hidden + SelfAttention->attend(qh, kh, vh, bias);         // [B, t, D]
}

T5LayerCrossAttentionImpl::T5LayerCrossAttentionImpl(const T5Config& c)
    : EncDecAttention(register_module("EncDecAttention", T5Attention(c, false, true))),
      layer_norm(register_module("layer_norm", T5LayerNorm(c.d_model, c.layer_norm_epsilon))) {}

at::Tensor T5LayerCrossAttentionImpl::forward(const at::Tensor& hidden, const at::Tensor& encoder_hidden,
                                              const at::Tensor& encoder_bias, T5LayerCache& cache) {
  if (!cache.cross_k.defined()) {  // the encoder output does not change while decoding
    cache.cross_k = EncDecAttention->heads(EncDecAttention->k(encoder_hidden));  // [B, H, S, d]
    cache.cross_v = EncDecAttention->heads(EncDecAttention->v(encoder_hidden));  // [B, H, S, d]
  }
  const auto qh = EncDecAttention->heads(EncDecAttention->q(layer_norm(hidden)));  // [B, H, t, d]
  return hidden + EncDecAttention->attend(qh, cache.cross_k, cache.cross_v, encoder_bias);  // [B, t, D]
}

T5DenseActDenseImpl::T5DenseActDenseImpl(const T5Config& c) : act_fn_(c.dense_act_fn) {
  if (c.is_gated_act) {
    wi_0 = register_module("wi_0", Linear(c.d_model, c.d_ff, false));
    wi_1 = register_module("wi_1", Linear(c.d_model, c.d_ff, false));
  } else {
    wi = register_module("wi", Linear(c.d_model, c.d_ff, false));
  }
  wo = register_module("wo", Linear(c.d_ff, c.d_model, false));
}

at::Tensor T5DenseActDenseImpl::act(const at::Tensor& x) const {
  if (act_fn_ == "relu") return at::relu(x);
  if (act_fn_ == "gelu_new") return at::gelu(x, "tanh");  // transformers NewGELUActivation
  return at::gelu(x);
}

at::Tensor T5DenseActDenseImpl::forward(const at::Tensor& hidden) {
  const auto h = wi_0 ? act(wi_0(hidden)) * wi_1(hidden) : act(wi(hidden));  // [B, T, F]
  return wo(h.to(wo->weight.scalar_type()));                                 // [B, T, D]
}

T5LayerFFImpl::T5LayerFFImpl(const T5Config& c)
    : DenseReluDense(register_module("DenseReluDense", T5DenseActDense(c))),
      layer_norm(register_module("layer_norm", T5LayerNorm(c.d_model, c.layer_norm_epsilon))) {}

at::Tensor T5LayerFFImpl::forward(const at::Tensor& hidden) { return hidden + DenseReluDense(layer_norm(hidden)); }

// ---- T5Block ----

namespace {
// T5Block's fp16 guard: clamp to the largest finite value (minus 1000 when infinities appeared).
at::Tensor clamp_fp16(const at::Tensor& h) {
  if (h.scalar_type() != at::kHalf) return h;
  const double max = 65504.0;
  const double clamp = h.isinf().any().item<bool>() ? max - 1000.0 : max;
  return h.clamp(-clamp, clamp);
}
}  // namespace

T5BlockImpl::T5BlockImpl(const T5Config& c, bool has_bias, bool is_decoder)
    : layer(register_module("layer", torch::nn::ModuleList())) {
  self_attention = T5LayerSelfAttention(c, has_bias, is_decoder);
  layer->push_back(self_attention);
  if (is_decoder) {
    cross_attention = T5LayerCrossAttention(c);
    layer->push_back(cross_attention);
  }
  feed_forward = T5LayerFF(c);
  layer->push_back(feed_forward);
}

at::Tensor T5BlockImpl::forward(const at::Tensor& hidden, const at::Tensor& bias, const at::Tensor& encoder_hidden,
                                const at::Tensor& encoder_bias, T5LayerCache* cache) {
  // 1. self-attention, 2. cross-attention (decoder), 3. feed-forward
  auto h = clamp_fp16(self_attention(hidden, bias, cache));                              // [B, t, D]
  if (cross_attention) h = clamp_fp16(cross_attention(h, encoder_hidden, encoder_bias, *cache));  // [B, t, D]
  return clamp_fp16(feed_forward(h));                                                    // [B, t, D]
}

// ---- T5Stack ----

T5StackImpl::T5StackImpl(const T5Config& c, bool is_decoder)
    : block(register_module("block", torch::nn::ModuleList())),
      final_layer_norm(register_module("final_layer_norm", T5LayerNorm(c.d_model, c.layer_norm_epsilon))),
      is_decoder_(is_decoder) {
  const int64_t n = is_decoder ? c.num_decoder_layers : c.num_layers;
  for (int64_t i = 0; i < n; ++i) {
    blocks_.emplace_back(c, /*has_relative_attention_bias=*/i == 0, is_decoder);
    block->push_back(blocks_.back());
  }
}

at::Tensor T5StackImpl::encode(const at::Tensor& inputs_embeds, const at::Tensor& mask_bias) {
  const int64_t T = inputs_embeds.size(1);
  // 1. the relative position bias of block 0, shared by all blocks (plus the padding mask)
  auto bias = blocks_[0]->self_attention->SelfAttention->compute_bias(T, T, 0);  // [1, H, T, T]
  if (mask_bias.defined()) bias = bias + mask_bias;                               // [B, H, T, T]
  // 2. blocks, 3. final norm
  at::Tensor h = inputs_embeds;  // [B, T, D]
  for (auto& b : blocks_) h = b->forward(h, bias, at::Tensor(), at::Tensor(), nullptr);
  return final_layer_norm(h);  // [B, T, D]
}

at::Tensor T5StackImpl::decode(const at::Tensor& inputs_embeds, const at::Tensor& encoder_hidden,
                               const at::Tensor& encoder_bias, std::vector<T5LayerCache>& cache) {
  if (cache.size() != blocks_.size()) cache.assign(blocks_.size(), {});
  const int64_t t = inputs_embeds.size(1);
  const int64_t past = cache[0].self_k.defined() ? cache[0].self_k.size(2) : 0;
  // 1. causal relative position bias for positions past..past+t-1
  auto bias = blocks_[0]->self_attention->SelfAttention->compute_bias(t, past + t, past);  // [1, H, t, past+t]
  if (t > 1) {
    const auto future = at::ones({t, past + t}, bias.options().dtype(at::kBool)).triu(past + 1);  // [t, past+t]
    bias = bias.masked_fill(future, -std::numeric_limits<float>::infinity());
  }
  // 2. blocks, 3. final norm
  at::Tensor h = inputs_embeds;  // [N, t, D]
  for (size_t i = 0; i < blocks_.size(); ++i) h = blocks_[i](h, bias, encoder_hidden, encoder_bias, &cache[i]);
  return final_layer_norm(h);  // [N, t, D]
}

// ---- T5ForConditionalGeneration ----

T5ForConditionalGenerationImpl::T5ForConditionalGenerationImpl(const T5Config& c)
    : shared(register_module("shared", Embedding(c.vocab_size, c.d_model))),
      encoder(register_module("encoder", T5Stack(c, false))),
      decoder(register_module("decoder", T5Stack(c, true))),
      config_(c) {
  if (!c.tie_word_embeddings) lm_head = register_module("lm_head", Linear(c.d_model, c.vocab_size, false));
}

at::Tensor T5ForConditionalGenerationImpl::embed_tokens(const at::Tensor& ids) {
  return shared(ids.to(shared->weight.device(), at::kLong));  // [B, T, D], not scaled in T5
}

at::Tensor T5ForConditionalGenerationImpl::mask_bias(const at::Tensor& attention_mask, c10::ScalarType dtype) const {
  if (!attention_mask.defined() || attention_mask.ne(0).all().item<bool>()) return {};
  // (1 - mask) * finfo(dtype).min, as T5Stack's extended attention mask
  const double lowest = dtype == at::kHalf ? -65504.0 : dtype == at::kDouble ? std::numeric_limits<double>::lowest()
                                                                               : std::numeric_limits<float>::lowest();
  const auto m = attention_mask.to(shared->weight.device(), dtype);
  return ((1.0 - m) * lowest).view({m.size(0), 1, 1, m.size(1)});  // [B, 1, 1, T]
}

at::Tensor T5ForConditionalGenerationImpl::encode(const at::Tensor& inputs_embeds, const at::Tensor& attention_mask) {
  const auto dtype = shared->weight.scalar_type();
  return encoder->encode(inputs_embeds.to(shared->weight.device(), dtype), mask_bias(attention_mask, dtype));
}

at::Tensor T5ForConditionalGenerationImpl::decode(const at::Tensor& tokens, const at::Tensor& encoder_hidden,
                                                  const at::Tensor& encoder_bias, std::vector<T5LayerCache>& cache) {
  auto h = decoder->decode(embed_tokens(tokens), encoder_hidden, encoder_bias, cache);  // [N, t, D]
  if (config_.tie_word_embeddings) {
    // tied embeddings: rescale before projecting on the input embedding (Mesh TensorFlow)
    h = h * std::pow(double(config_.d_model), -0.5);
    return at::matmul(h, shared->weight.t()).to(at::kFloat);  // [N, t, V]
  }
  return lm_head(h).to(at::kFloat);  // [N, t, V]
}

namespace {

class T5DecodingSession : public DecodingSession {
 public:
  T5DecodingSession(T5ForConditionalGenerationImpl& model, at::Tensor encoder_hidden, at::Tensor encoder_bias)
      : model_(model), encoder_hidden_(std::move(encoder_hidden)), encoder_bias_(std::move(encoder_bias)) {
    prefix_ = at::full({encoder_hidden_.size(0), 1}, model_.config().decoder_start_token_id, at::kLong);
  }
  at::Tensor prefix_ids() const override { return prefix_; }
  at::Tensor first_logits() override { return next_logits(prefix_.select(1, 0)); }
  at::Tensor next_logits(const at::Tensor& tokens) override {
    const auto ids = tokens.to(encoder_hidden_.device(), at::kLong).view({-1, 1});  // [N, 1]
    return model_.decode(ids, encoder_hidden_, encoder_bias_, cache_).select(1, 0);  // [N, V]
  }
  void select_rows(const at::Tensor& rows) override {
    const auto r = rows.to(encoder_hidden_.device(), at::kLong);
    encoder_hidden_ = encoder_hidden_.index_select(0, r);
    if (encoder_bias_.defined()) encoder_bias_ = encoder_bias_.index_select(0, r);
    prefix_ = prefix_.index_select(0, rows.to(at::kLong).cpu());
    for (auto& c : cache_)
      for (at::Tensor* t : {&c.self_k, &c.self_v, &c.cross_k, &c.cross_v})
        if (t->defined()) *t = t->index_select(0, r);
  }

 private:
  T5ForConditionalGenerationImpl& model_;
  at::Tensor encoder_hidden_, encoder_bias_, prefix_;
  std::vector<T5LayerCache> cache_;
};

}  // namespace

std::unique_ptr<DecodingSession> T5ForConditionalGenerationImpl::start(const at::Tensor& inputs_embeds,
                                                                      const at::Tensor& attention_mask,
                                                                      const at::Tensor& /*prompt_ids*/) {
  const auto dtype = shared->weight.scalar_type();
  auto bias = mask_bias(attention_mask, dtype);
  auto hidden = encoder->encode(inputs_embeds.to(shared->weight.device(), dtype), bias);  // [B, T, D]
  return std::make_unique<T5DecodingSession>(*this, std::move(hidden), std::move(bias));
}

}  // namespace partedit
