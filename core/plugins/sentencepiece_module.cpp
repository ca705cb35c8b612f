// The sentencepiece wrapper built as a MODULE library (partedit_sentencepiece) and loaded at
// run time by text/t5_tokenizer.cpp: see text/sentencepiece_abi.h for why. Every entry
// point catches everything: no exception may cross the C boundary.
#include <memory>
#include <string>
#include <vector>

#include <sentencepiece_processor.h>

#include "text/sentencepiece_abi.h"

namespace {

using Processor = sentencepiece::SentencePieceProcessor;

Processor* as_processor(void* model) { return static_cast<Processor*>(model); }

void report(PeSpmTextSink sink, void* context, const std::string& text) {
  if (sink) sink(context, text.data(), text.size());
}

void* load(const char* path, PeSpmTextSink error, void* context) {
  try {
    auto processor = std::make_unique<Processor>();
    const auto status = processor->Load(path);
    if (!status.ok()) {
      report(error, context, status.ToString());
      return nullptr;
    }
    return processor.release();
  } catch (const std::exception& e) {
    report(error, context, e.what());
  } catch (...) {
    report(error, context, "unknown error in sentencepiece");
  }
  return nullptr;
}

void release(void* model) { delete as_processor(model); }

int piece_size(void* model) { return as_processor(model)->GetPieceSize(); }

int special_id(void* model, int which) {
  const auto* p = as_processor(model);
  switch (which) {
    case PE_SPM_UNK: return p->unk_id();
    case PE_SPM_PAD: return p->pad_id();
    case PE_SPM_EOS: return p->eos_id();
    case PE_SPM_BOS: return p->bos_id();
    default: return -1;
  }
}

int piece_to_id(void* model, const char* piece, size_t size) {
  return as_processor(model)->PieceToId(std::string_view(piece, size));
}

int piece_kind(void* model, int id) {
  const auto* p = as_processor(model);
  if (id < 0 || id >= p->GetPieceSize()) return PE_SPM_UNUSED;
  if (p->IsControl(id)) return PE_SPM_CONTROL;
  if (p->IsUnknown(id)) return PE_SPM_UNKNOWN;
  if (p->IsUnused(id)) return PE_SPM_UNUSED;
  if (p->IsByte(id)) return PE_SPM_BYTE;
  return PE_SPM_NORMAL;
}

int id_to_piece(void* model, int id, PeSpmTextSink out, void* context) {
  const auto* p = as_processor(model);
  if (id < 0 || id >= p->GetPieceSize()) return 1;
  const std::string& piece = p->IdToPiece(id);
  out(context, piece.data(), piece.size());
  return 0;
}

int encode(void* model, const char* text, size_t size, PeSpmIdSink out, void* context, PeSpmTextSink error) {
  try {
    std::vector<int> ids;
    const auto status = as_processor(model)->Encode(std::string_view(text, size), &ids);
    if (!status.ok()) {
      report(error, context, status.ToString());
      return 1;
    }
    for (int id : ids) out(context, id);
    return 0;
  } catch (const std::exception& e) {
    report(error, context, e.what());
  } catch (...) {
    report(error, context, "unknown error in sentencepiece");
  }
  return 1;
}

int decode(void* model, const int* ids, size_t count, PeSpmTextSink out, void* context, PeSpmTextSink error) {
  try {
    std::string text;
    const auto status = as_processor(model)->Decode(std::vector<int>(ids, ids + count), &text);
    if (!status.ok()) {
      report(error, context, status.ToString());
      return 1;
    }
    out(context, text.data(), text.size());
    return 0;
  } catch (const std::exception& e) {
    report(error, context, e.what());
  } catch (...) {
    report(error, context, "unknown error in sentencepiece");
  }
  return 1;
}

const PeSpmApi kApi = {PARTEDIT_SPM_ABI_VERSION, load, release, piece_size, special_id, piece_to_id,
                       piece_kind, id_to_piece, encode, decode};

}  // namespace

extern "C" __attribute__((visibility("default"))) const PeSpmApi* partedit_spm_api(void) { return &kApi; }
