#pragma once
// The C interface between the engine and the sentencepiece MODULE library
// (core/plugins/sentencepiece_module.cpp). libsentencepiece bundles a protobuf-lite that
// collides with LibTorch's protobuf when both are linked into one process (platform.md), so
// the wrapper is loaded with dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND) and only this
// plain-C table crosses the boundary: no C++ types, no exceptions, strings and ids handed
// back through callbacks so that no memory is freed on the other side.
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PARTEDIT_SPM_ABI_VERSION 1
#define PARTEDIT_SPM_ENTRY "partedit_spm_api"

typedef void (*PeSpmTextSink)(void* context, const char* data, size_t size);
typedef void (*PeSpmIdSink)(void* context, int id);

enum PeSpmSpecial { PE_SPM_UNK = 0, PE_SPM_PAD = 1, PE_SPM_EOS = 2, PE_SPM_BOS = 3 };
enum PeSpmPieceKind { PE_SPM_NORMAL = 0, PE_SPM_CONTROL = 1, PE_SPM_UNKNOWN = 2, PE_SPM_UNUSED = 3, PE_SPM_BYTE = 4 };

typedef struct PeSpmApi {
  int abi_version;  // PARTEDIT_SPM_ABI_VERSION
  // A loaded model, or NULL with the reason sent to `error`.
  void* (*load)(const char* path, PeSpmTextSink error, void* context);
  void (*release)(void* model);
  int (*piece_size)(void* model);
  int (*special_id)(void* model, int which);  // PeSpmSpecial; -1 when the model has none
  int (*piece_to_id)(void* model, const char* piece, size_t size);  // unk id when unknown
  int (*piece_kind)(void* model, int id);                            // PeSpmPieceKind
  // 0 on success; otherwise 1 and the reason sent to `error`.
  int (*id_to_piece)(void* model, int id, PeSpmTextSink out, void* context);
  int (*encode)(void* model, const char* text, size_t size, PeSpmIdSink out, void* context, PeSpmTextSink error);
  int (*decode)(void* model, const int* ids, size_t count, PeSpmTextSink out, void* context, PeSpmTextSink error);
} PeSpmApi;

typedef const PeSpmApi* (*PeSpmEntry)(void);

#ifdef __cplusplus
}
#endif
