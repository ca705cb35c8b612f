#pragma once
// The EditRequest of a reference partedit_* case (tests/data/reference): the authors'
// pipeline's inputs (prompts, steps, guidance, scheduler, size, initial latents, part
// embedding, t_e, omega, prompt-to-prompt Replace of the edit word, mask resolution).
#include <string>

#include "editing/part_edit_pipeline.h"
#include "support/test_support.h"

namespace partedit::test {

inline EditRequest reference_edit_request(const ReferenceCase& ref) {
  const auto& p = ref.params();
  EditRequest request;
  request.source.prompt = p.at("source_prompt").get<std::string>();
  request.source.steps = p.at("num_inference_steps").get<int>();
  request.source.guidance = p.at("guidance_scale").get<double>();
  request.source.scheduler = p.at("scheduler").get<std::string>();
  request.source.width = p.at("width").get<int64_t>();
  request.source.height = p.at("height").get<int64_t>();
  request.source.initial_latents = ref.in("latents").slice(0, 0, 1);  // the source row; edit = source
  request.edit_prompt = p.at("prompts").at(1).get<std::string>();
  request.part_embedding = ref.in("embedding");
  request.edit_end_step = p.at("extra_kwargs").at("edit_steps").get<int64_t>();
  request.omega = p.at("extra_kwargs").at("omega").get<double>();
  request.p2p = PromptToPrompt::Replace;
  const auto edit_word = p.at("edit").get<std::string>();
  request.edit_words = {edit_word};
  request.cross_replace = p.at("cross_attention_kwargs").at("n_cross_replace").at(edit_word).get<double>();
  request.mask_size = p.at("mask_res").get<int64_t>();
  return request;
}

}  // namespace partedit::test
