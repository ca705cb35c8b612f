#pragma once
// One function per parser that takes a user's file or text: it feeds `data` to the parser the
// way the program does and swallows partedit::Error (a refusal in our words is the right
// answer to a bad input). Any other exception escaping, a crash, or a sanitizer report is a
// finding. The libFuzzer executables (fuzz_main.cpp, built with -DPARTEDIT_FUZZ=ON) call one
// each; tests/io/test_crashers.cpp replays the saved inputs through them in the normal build.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace partedit::fuzz {

void fuzz_safetensors_header(const uint8_t* data, size_t size);  // a whole .safetensors file
void fuzz_image_header(const uint8_t* data, size_t size);        // a PNG/JPEG/WebP/TIFF file's header, EXIF
void fuzz_image_parameters(const uint8_t* data, size_t size);    // the "parameters" text of an image file
void fuzz_infotext(const uint8_t* data, size_t size);            // A1111 infotext
void fuzz_clip_bpe(const uint8_t* data, size_t size);            // a prompt, CLIP's vocabulary
void fuzz_gpt2_bpe(const uint8_t* data, size_t size);            // a text, GPT-2 byte-level BPE
void fuzz_edit_instruction(const uint8_t* data, size_t size);    // "with <edit> <part>", subject swaps
void fuzz_json_config(const uint8_t* data, size_t size);         // a model folder's config.json
void fuzz_batch_manifest_line(const uint8_t* data, size_t size); // a batch manifest (JSON Lines)
void fuzz_pt_token(const uint8_t* data, size_t size);            // a torch.save part token

struct FuzzTarget {
  const char* name;  // the corpus and crasher folder: tests/fuzz/corpus/<name>, tests/data/crashers/<name>
  void (*run)(const uint8_t* data, size_t size);
};
// Every target above, by name.
const std::vector<FuzzTarget>& fuzz_targets();

}  // namespace partedit::fuzz
