#include "winograd.h"

/* Defined by winograd_avx512.c and winograd_avx2.c. */
extern const fern_winograd_kernels fern_winograd_kernels_avx512, fern_winograd_kernels_avx2;

const fern_winograd_kernels *fern_winograd_kernels_for(int isa) {
    __builtin_cpu_init();
    const int fma = __builtin_cpu_supports("fma");
    switch (isa) {
    case FERN_WINOGRAD_AVX512:
        return fma && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
            ? &fern_winograd_kernels_avx512 : 0;
    case FERN_WINOGRAD_AVX2:
        return fma && __builtin_cpu_supports("avx2") ? &fern_winograd_kernels_avx2 : 0;
    default:
        return 0;
    }
}
