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
// 3. The allocator: glibc's mmap threshold fixed at kDefaultMmapThreshold
//    (configure_allocator), so that large tensors go back to the system when freed.
// 4. Threads that libraries started before main() (OpenBLAS's workers) are named
//    "blas-worker", so that top -H tells them from the main (GUI) thread whose name they
//    inherited.
void configure_runtime(int argc, char** argv);

// The OpenBLAS kernel family configure_runtime would choose on this CPU ("" = leave it).
const char* preferred_openblas_coretype();

// Fixes glibc's mmap threshold (PARTEDIT_MMAP_THRESHOLD=bytes, 0 = glibc's dynamic rule);
// returns the threshold set, 0 for none.
constexpr size_t kDefaultMmapThreshold = 256 * 1024;
size_t configure_allocator();

// Sets LibTorch's intra-op thread count: PARTEDIT_THREADS, else all hardware threads.
int configure_threads();

}  // namespace partedit
