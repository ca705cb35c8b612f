#pragma once
// An edit as the engine serves it (architecture.md, "One engine, two front ends"): what to
// change, on which parts, from which source — a source generated from a prompt, a photo
// to invert (captioned when no prompt is given), or a kept inversion — and what comes back.
// Defaults live in the request structs (GenerateRequest, InvertRequest, EditRequest) and
// here, nowhere else.
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "editing/compositing.h"
#include "editing/edit_instruction.h"
#include "editing/part_edit_pipeline.h"
#include "editing/part_token.h"
#include "io/image_photo.h"
#include "pipeline/inversion.h"

namespace partedit {

// What the user asked to change, before the source prompt is known (a photo's may come
// from its caption): "with <edit> <part>" appended, a full edit prompt, or a word swap.
struct EditInstruction {
  enum class Form { Appended, Explicit, Swap };
  Form form = Form::Appended;
  AppendedEdit appended;              // Appended
  std::string edit_prompt;            // Explicit
  std::string subject, edit_word;     // Swap
  std::optional<PromptToPrompt> p2p;  // nullopt: the form's own choice

  static EditInstruction appended_edit(AppendedEdit edit);
  static EditInstruction explicit_prompt(std::string edit_prompt);
  static EditInstruction swap(std::string subject, std::string edit_word);
};

// The edit prompt and its prompt-to-prompt control for a source prompt.
struct EditText {
  std::string edit_prompt;
  std::optional<PromptToPrompt> p2p;
  std::vector<std::string> edit_words;  // empty: derived from the prompts
};
EditText compose_edit(const EditInstruction& instruction, const std::string& source_prompt);

// The source is generated from EditJob::generation (prompt, seed or latents, size, sampler).
struct EditFromPrompt {};
// A photo file, inverted (or its cached inversion reused). Its source prompt is `prompt`,
// else a caption of the photo by the engine's caption model.
struct EditFromPhoto {
  std::string image;                  // the photo's path
  std::optional<std::string> prompt;  // nullopt: caption it
  InvertRequest inversion;            // the inversion settings (guidance, steps, skip, scheduler, zero-noise steps,
                                      // seed: nullopt = drawn, recorded, and the cache entry serves any seed)
};
// A kept inversion (Engine::load_inversion, or one an earlier edit returned); with `image`,
// the result is also composited into that photo.
struct EditFromInversion {
  std::shared_ptr<const Inversion> inversion;
  std::string name;                   // how messages name it (its file)
  std::optional<std::string> image;
};
using EditJobSource = std::variant<EditFromPrompt, EditFromPhoto, EditFromInversion>;

struct EditJob {
  EditJobSource from;
  GenerateRequest generation;      // negative, guidance, and for a generated source its prompt, steps, …
  EditInstruction instruction;
  std::vector<PartToken> parts;    // at least one
  std::optional<int64_t> edit_end_step;  // t_e in [1, steps]; nullopt = steps
  double omega = EditRequest{}.omega;
  double cross_replace = EditRequest{}.cross_replace;
  int64_t mask_size = 0;           // 0 = the image size
  bool keep_maps = false;
  double feather = kDefaultFeatherRadius;  // compositing into the photo, in original pixels
  bool composite = true;           // restore the photo's pixels outside the edited part
  bool use_cache = true;           // reuse and keep the photo's inversion in the engine's cache
  bool keep_state = false;         // keep the per-step state: Engine::rerender can then move t_e instantly
};

// Where an edit's source prompt came from.
enum class PromptOrigin { Typed, Caption, InversionFile };
// "the prompt", "BLIP-2 caption", "the inversion file": how messages name the origin.
const char* prompt_origin_text(PromptOrigin origin);

struct EditJobResult {
  EditResult edit;                     // at the working size
  std::string source_prompt;
  PromptOrigin prompt_origin = PromptOrigin::Typed;
  std::optional<Photo> photo;          // the photo, for a photo source
  // With a photo and composite: the edit and the source composited into the photo at its
  // original size, and the compositing mask; else undefined.
  at::Tensor composited, composited_source, composite_mask;
  std::string composited_parameters, composited_source_parameters;
  std::shared_ptr<const Inversion> inversion;  // the photo's inversion (computed, cached or loaded)
  bool inversion_reused = false;
  double caption_seconds = 0, invert_seconds = 0;  // a separate caption and inversion, wall time
  double feather = kDefaultFeatherRadius;          // of the compositing, when composited

  // What the artist sees: the composited photo when there is one, else the edit.
  const at::Tensor& image() const { return composited.defined() ? composited : edit.edited; }
  const at::Tensor& source_image() const { return composited_source.defined() ? composited_source : edit.source; }
  const at::Tensor& mask() const { return composite_mask.defined() ? composite_mask : edit.final_mask; }
  const std::string& parameters() const { return composited.defined() ? composited_parameters : edit.parameters; }
  const std::string& source_parameters() const {
    return composited.defined() ? composited_source_parameters : edit.source_parameters;
  }
};

}  // namespace partedit
