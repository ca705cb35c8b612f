#include "models/opt/opt_model.h"

#include <cmath>
#include <limits>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "runtime/error.h"

namespace partedit {
namespace nn = torch::nn;

OPTConfig OPTConfig::from_json(const JsonConfig& cfg) {
  OPTConfig c;
  c.vocab_size = cfg.get<int64_t>("vocab_size");
  c.hidden_size = cfg.get<int64_t>("hidden_size");
  c.num_hidden_layers = cfg.get<int64_t>("num_hidden_layers");
  c.ffn_dim = cfg.get<int64_t>("ffn_dim");
  c.num_attention_heads = cfg.get<int64_t>("num_attention_heads");
  // Defaults of transformers' OPTConfig (tie_word_embeddings: PretrainedConfig's).
  c.max_position_embeddings = cfg.get_or<int64_t>("max_position_embeddings", 2048);
  c.word_embed_proj_dim = cfg.get_or<int64_t>("word_embed_proj_dim", c.hidden_size);
  c.do_layer_norm_before = cfg.get_or<bool>("do_layer_norm_before", true);
  c.remove_final_layer_norm = cfg.get_or<bool>("_remove_final_layer_norm", false);
  c.enable_bias = cfg.get_or<bool>("enable_bias", true);
  c.layer_norm_elementwise_affine = cfg.get_or<bool>("layer_norm_elementwise_affine", true);
  c.tie_word_embeddings = cfg.get_or<bool>("tie_word_embeddings", true);
  c.activation_function = cfg.get_or<std::string>("activation_function", "relu");
  c.pad_token_id = cfg.get_or<int64_t>("pad_token_id", 1);
  c.bos_token_id = cfg.get_or<int64_t>("bos_token_id", 2);
  c.eos_token_id = cfg.get_or<int64_t>("eos_token_id", 2);

  const auto where = " in " + cfg.source().string();
  if (c.activation_function != "relu" && c.activation_function != "gelu" && c.activation_function != "gelu_new")
    throw Error("config key 'activation_function'" + where + " is '" + c.activation_function +
                "'; supported: relu, gelu, gelu_new");
  for (const auto& [key, value] :
       {std::pair<const char*, int64_t>{"vocab_size", c.vocab_size}, {"hidden_size", c.hidden_size},
        {"num_hidden_layers", c.num_hidden_layers}, {"ffn_dim", c.ffn_dim},
        {"num_attention_heads", c.num_attention_heads}, {"max_position_embeddings", c.max_position_embeddings},
        {"word_embed_proj_dim", c.word_embed_proj_dim}})
    if (value < 1) throw Error(std::string("config key '") + key + "'" + where + " must be positive");
  if (c.hidden_size % c.num_attention_heads != 0)
    throw Error("config key 'hidden_size'" + where + " (" + std::to_string(c.hidden_size) +
                ") is not a multiple of num_attention_heads (" + std::to_string(c.num_attention_heads) + ")");
  for (int64_t id : {c.pad_token_id, c.bos_token_id, c.eos_token_id})
    if (id < 0 || id >= c.vocab_size)
      throw Error("config" + where + ": special token id " + std::to_string(id) + " is outside vocab_size " +
                  std::to_string(c.vocab_size));
  return c;
}

at::Tensor opt_positions(const at::Tensor& attention_mask, int64_t past) {
  const auto mask = attention_mask.to(at::kLong);
  const auto positions = mask.cumsum(1) * mask - 1;  // [N, L]
  return positions.narrow(1, past, mask.size(1) - past);
}

at::Tensor opt_attention_bias(const at::Tensor& attention_mask, int64_t t, c10::ScalarType dtype) {
  const int64_t total = attention_mask.size(1), past = total - t;
  const auto opts = attention_mask.options().dtype(at::kBool);
  // a key is hidden when it lies after the query (query i sits at column past + i) or is padding
  const auto future = at::ones({t, total}, opts).triu(past + 1);                      // [t, total]
  const auto padded = attention_mask.eq(0).view({attention_mask.size(0), 1, 1, total});  // [N, 1, 1, total]
  const auto hidden = at::logical_or(future.view({1, 1, t, total}), padded);            // [N, 1, t, total]
  const double lowest = dtype == at::kHalf ? -65504.0
                        : dtype == at::kBFloat16 ? -3.3895313892515355e38
                        : dtype == at::kDouble ? std::numeric_limits<double>::lowest()
                                               : double(std::numeric_limits<float>::lowest());
  return at::zeros(hidden.sizes(), attention_mask.options().dtype(dtype)).masked_fill(hidden, lowest);
}

// ---- OPTAttention ----

OPTAttentionImpl::OPTAttentionImpl(const OPTConfig& c)
    : k_proj(register_module("k_proj", Linear(c.hidden_size, c.hidden_size, c.enable_bias))),
      v_proj(register_module("v_proj", Linear(c.hidden_size, c.hidden_size, c.enable_bias))),
      q_proj(register_module("q_proj", Linear(c.hidden_size, c.hidden_size, c.enable_bias))),
      out_proj(register_module("out_proj", Linear(c.hidden_size, c.hidden_size, c.enable_bias))),
      heads_(c.num_attention_heads),
      head_dim_(c.head_dim()) {}

at::Tensor OPTAttentionImpl::heads(const at::Tensor& projected) const {
  return projected.view({projected.size(0), -1, heads_, head_dim_}).transpose(1, 2);  // [N, H, t, d]
}

at::Tensor OPTAttentionImpl::forward(const at::Tensor& hidden, const at::Tensor& bias, OPTLayerCache* cache) {
  const auto qh = heads(q_proj(hidden) * std::pow(double(head_dim_), -0.5));  // [N, H, t, d], scaled first
  auto kh = heads(k_proj(hidden));                                             // [N, H, t, d]
  auto vh = heads(v_proj(hidden));
  if (cache) {
    if (cache->k.defined()) {
      kh = at::cat({cache->k, kh}, 2);  // [N, H, past + t, d]
      vh = at::cat({cache->v, vh}, 2);
    }
    cache->k = kh;
    cache->v = vh;
  }
  const auto scores = at::matmul(qh, kh.transpose(-1, -2)) + bias;                     // [N, H, t, past + t]
  const auto probs = at::softmax(scores.to(at::kFloat), -1).to(scores.scalar_type());  // float32 softmax
  const auto out = at::matmul(probs, vh).transpose(1, 2);                              // [N, t, H, d]
  return out_proj(out.reshape({out.size(0), out.size(1), heads_ * head_dim_}));        // [N, t, D]
}

// ---- OPTDecoderLayer ----

namespace {
nn::LayerNorm opt_layer_norm(int64_t size, bool affine) {
  return nn::LayerNorm(nn::LayerNormOptions({size}).eps(1e-5).elementwise_affine(affine));
}
}  // namespace

OPTDecoderLayerImpl::OPTDecoderLayerImpl(const OPTConfig& c)
    : self_attn(register_module("self_attn", OPTAttention(c))),
      self_attn_layer_norm(
          register_module("self_attn_layer_norm", opt_layer_norm(c.hidden_size, c.layer_norm_elementwise_affine))),
      fc1(register_module("fc1", Linear(c.hidden_size, c.ffn_dim, c.enable_bias))),
      fc2(register_module("fc2", Linear(c.ffn_dim, c.hidden_size, c.enable_bias))),
      final_layer_norm(
          register_module("final_layer_norm", opt_layer_norm(c.hidden_size, c.layer_norm_elementwise_affine))),
      pre_norm_(c.do_layer_norm_before),
      act_(c.activation_function) {}

at::Tensor OPTDecoderLayerImpl::mlp(const at::Tensor& hidden) {
  auto h = fc1(hidden);  // [..., F]
  h = act_ == "relu" ? at::relu(h) : act_ == "gelu_new" ? at::gelu(h, "tanh") : at::gelu(h);
  return fc2(h);  // [..., D]
}

at::Tensor OPTDecoderLayerImpl::forward(const at::Tensor& hidden, const at::Tensor& bias, OPTLayerCache* cache) {
  // 1. self-attention (norm before, or after the residual sum for post-LN models)
  auto h = hidden + self_attn(pre_norm_ ? self_attn_layer_norm(hidden) : hidden, bias, cache);  // [N, t, D]
  if (!pre_norm_) h = self_attn_layer_norm(h);
  // 2. MLP, the same way
  h = h + mlp(pre_norm_ ? final_layer_norm(h) : h);
  return pre_norm_ ? h : final_layer_norm(h);  // [N, t, D]
}

// ---- OPTDecoder ----

OPTDecoderImpl::OPTDecoderImpl(const OPTConfig& c)
    : embed_tokens(register_module("embed_tokens", Embedding(c.vocab_size, c.word_embed_proj_dim))),
      embed_positions(register_module("embed_positions", Embedding(c.max_position_embeddings + 2, c.hidden_size))),
      layers(register_module("layers", nn::ModuleList())),
      max_positions_(c.max_position_embeddings) {
  if (c.word_embed_proj_dim != c.hidden_size) {
    project_out = register_module("project_out", Linear(c.hidden_size, c.word_embed_proj_dim, false));
    project_in = register_module("project_in", Linear(c.word_embed_proj_dim, c.hidden_size, false));
  }
  if (c.has_final_layer_norm())
    final_layer_norm =
        register_module("final_layer_norm", opt_layer_norm(c.hidden_size, c.layer_norm_elementwise_affine));
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    layers_.emplace_back(c);
    layers->push_back(layers_.back());
  }
}

at::Tensor OPTDecoderImpl::forward(const at::Tensor& inputs_embeds, const at::Tensor& attention_mask,
                                   std::vector<OPTLayerCache>* cache) {
  if (cache && cache->size() != layers_.size()) cache->assign(layers_.size(), {});
  const auto device = embed_positions->weight.device();
  const auto dtype = embed_positions->weight.scalar_type();
  const int64_t N = inputs_embeds.size(0), t = inputs_embeds.size(1);
  const int64_t past = cache && (*cache)[0].k.defined() ? (*cache)[0].k.size(2) : 0;
  const auto mask = attention_mask.defined() ? attention_mask.to(device, at::kLong)
                                             : at::ones({N, past + t}, at::TensorOptions(device).dtype(at::kLong));
  if (mask.dim() != 2 || mask.size(0) != N || mask.size(1) != past + t)
    throw Error("OPT: attention_mask must be [" + std::to_string(N) + ", " + std::to_string(past + t) + "], got " +
                c10::str(mask.sizes()));
  // 1. learned positions (offset 2) added to the (projected) input embeddings
  const auto positions = opt_positions(mask, past);  // [N, t]
  if (positions.max().item<int64_t>() >= max_positions_)
    throw Error("OPT: the sequence is longer than max_position_embeddings (" + std::to_string(max_positions_) + ")");
  auto h = inputs_embeds.to(device, dtype);
  if (project_in) h = project_in(h);
  h = h + embed_positions(positions + 2);  // [N, t, D]
  // 2. layers under the causal + padding mask, 3. final norm and projection
  const auto bias = opt_attention_bias(mask, t, dtype);  // [N, 1, t, past + t]
  for (size_t i = 0; i < layers_.size(); ++i) h = layers_[i](h, bias, cache ? &(*cache)[i] : nullptr);
  if (final_layer_norm) h = final_layer_norm(h);
  if (project_out) h = project_out(h);
  return h;  // [N, t, Dw]
}

OPTModelImpl::OPTModelImpl(const OPTConfig& c) : decoder(register_module("decoder", OPTDecoder(c))) {}

// ---- OPTForCausalLM ----

OPTForCausalLMImpl::OPTForCausalLMImpl(const OPTConfig& c)
    : model(register_module("model", OPTModel(c))), config_(c) {
  if (!c.tie_word_embeddings) lm_head = register_module("lm_head", Linear(c.word_embed_proj_dim, c.vocab_size, false));
}

at::Tensor OPTForCausalLMImpl::embed_tokens(const at::Tensor& ids) {
  auto& table = model->decoder->embed_tokens;
  return table(ids.to(table->weight.device(), at::kLong));  // [N, T, Dw]
}

at::Tensor OPTForCausalLMImpl::logits(const at::Tensor& inputs_embeds, const at::Tensor& attention_mask,
                                      std::vector<OPTLayerCache>* cache, bool last_only) {
  auto h = model->decoder(inputs_embeds, attention_mask, cache);  // [N, t, Dw]
  if (last_only) h = h.narrow(1, h.size(1) - 1, 1);               // [N, 1, Dw]
  const auto& head = lm_head ? lm_head->weight : model->decoder->embed_tokens->weight;
  return at::matmul(h, head.t()).to(at::kFloat);  // [N, t, V]
}

namespace {

// The prefix (queries + prompt) runs once on the first step; then one token per step against
// the cache, the attention mask growing by a column of ones.
class OPTDecodingSession : public DecodingSession {
 public:
  OPTDecodingSession(OPTForCausalLMImpl& model, at::Tensor inputs_embeds, at::Tensor mask, at::Tensor prompt_ids)
      : model_(model), inputs_embeds_(std::move(inputs_embeds)), mask_(std::move(mask)), prefix_(std::move(prompt_ids)) {}
  at::Tensor prefix_ids() const override { return prefix_; }
  at::Tensor first_logits() override {
    const auto logits = model_.logits(inputs_embeds_, mask_, &cache_, /*last_only=*/true);  // [N, 1, V]
    inputs_embeds_ = at::Tensor();  // held in the cache now
    return logits.select(1, 0);     // [N, V]
  }
  at::Tensor next_logits(const at::Tensor& tokens) override {
    const auto ids = tokens.to(mask_.device(), at::kLong).view({-1, 1});  // [N, 1]
    mask_ = at::cat({mask_, at::ones_like(ids)}, 1);                       // [N, past + 1]
    return model_.logits(model_.embed_tokens(ids), mask_, &cache_).select(1, 0);  // [N, V]
  }
  void select_rows(const at::Tensor& rows) override {
    const auto r = rows.to(mask_.device(), at::kLong);
    mask_ = mask_.index_select(0, r);
    if (inputs_embeds_.defined()) inputs_embeds_ = inputs_embeds_.index_select(0, r.to(inputs_embeds_.device()));
    prefix_ = prefix_.index_select(0, rows.to(at::kLong).cpu());
    for (auto& c : cache_)
      for (at::Tensor* t : {&c.k, &c.v})
        if (t->defined()) *t = t->index_select(0, r.to(t->device()));
  }

 private:
  OPTForCausalLMImpl& model_;
  at::Tensor inputs_embeds_, mask_, prefix_;
  std::vector<OPTLayerCache> cache_;
};

}  // namespace

std::unique_ptr<DecodingSession> OPTForCausalLMImpl::start(const at::Tensor& inputs_embeds,
                                                           const at::Tensor& attention_mask,
                                                           const at::Tensor& prompt_ids) {
  const auto device = model->decoder->embed_tokens->weight.device();
  const int64_t N = inputs_embeds.size(0), L = inputs_embeds.size(1);
  if (!prompt_ids.defined() || prompt_ids.dim() != 2 || prompt_ids.size(0) != N || prompt_ids.size(1) > L)
    throw Error("OPT: prompt_ids must be [" + std::to_string(N) + ", T] with T <= " + std::to_string(L));
  auto mask = attention_mask.defined() ? attention_mask.to(device, at::kLong)
                                       : at::ones({N, L}, at::TensorOptions(device).dtype(at::kLong));
  return std::make_unique<OPTDecodingSession>(*this, inputs_embeds.to(device), std::move(mask),
                                              prompt_ids.to(at::kLong).cpu());
}

}  // namespace partedit
