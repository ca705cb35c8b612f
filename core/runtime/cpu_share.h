#pragma once
// Matrix-product threads fitted to the cores other programs leave free.
//
// OpenBLAS's worker threads meet at the end of every matrix product, so a core that another
// process keeps busy stalls all of them: measured on 2 cores, an fp32 generation took 2.8x
// as long with one core busy. oneDNN's bf16 kernels run on LibTorch's OpenMP threads and
// suffer far less. share_cpu_with_other_programs() samples how much CPU the other
// processes used since its last sample (/proc/stat less this process's own time) and sets
// OpenBLAS's thread count to the cores they leave, between 1 and LibTorch's thread count.
#include <string>

namespace partedit {

// Cheap (a clock read) unless half a second has passed since the last sample; call it before
// each large piece of CPU work (a UNet call). Does nothing where there is no /proc/stat or the
// BLAS is not OpenBLAS. PARTEDIT_BLAS_THREADS=N fixes the count instead.
void share_cpu_with_other_programs();

// OpenBLAS's thread count now (0 when the BLAS is not OpenBLAS).
int blas_threads();

// How the last change came about, for the log ("" before any): "another program is using
// 1.0 of 2 cores: matrix products on 1 thread".
std::string blas_threads_reason();

// The count for `free_cores` left by other programs out of `max_threads`: the nearest whole
// number, at least 1 (exposed for tests).
int blas_threads_for(double free_cores, int max_threads);

}  // namespace partedit
