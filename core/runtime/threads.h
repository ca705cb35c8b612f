#pragma once
// Process-wide runtime set-up, called first thing in main() of the CLI and the GUI.
#include <cstddef>

namespace partedit {

// 1. OpenBLAS misdetects some AVX-512 CPUs and falls back to generic kernels; it reads
//    OPENBLAS_CORETYPE only when the library loads. If the variable is unset, pick a kernel
//    family this CPU really supports (SkylakeX needs AVX-512, Haswell AVX2+FMA), set it
//    and re-execute the program once. Likewise OMP_WAIT_POLICY=PASSIVE (unless set), so
//    that LibTorch's OpenMP workers do not spin against OpenBLAS's own threads.
//    PARTEDIT_NO_REEXEC=1 disables the re-exec; explicit variables are respected.
// 2. Use every core for intra-op parallelism (LibTorch defaults to one thread here), or
//    PARTEDIT_THREADS if set.
// 3. The allocator: PARTEDIT_MMAP_THRESHOLD=bytes fixes glibc's mmap threshold
//    (configure_allocator); by default the engine trims the heap before each model call
//    instead (release_free_memory).
// 4. Threads that libraries started before main() (OpenBLAS's workers) are named
//    "blas-worker", so that top -H tells them from the main (GUI) thread whose name they
//    inherited.
void configure_runtime(int argc, char** argv);

// The OpenBLAS kernel family configure_runtime would choose on this CPU ("" = leave it).
const char* preferred_openblas_coretype();

// Fixes glibc's mmap threshold when PARTEDIT_MMAP_THRESHOLD=bytes is set; returns the
// threshold set, 0 for glibc's own rule.
size_t configure_allocator();

// Returns the heap's free memory to the system (malloc_trim): called before each UNet and
// VAE call on the CPU, so that the holes earlier tensors left do not stay resident.
void release_free_memory();

// Sets LibTorch's intra-op thread count: PARTEDIT_THREADS, else all hardware threads.
int configure_threads();

}  // namespace partedit
