/* The Winograd kernels on AVX-512: 16-float vectors, 32 registers. */
#define VL 16
#define FERN_TARGET __attribute__((target("avx512f,avx512dq,fma")))
#define MUL_NV 4
#define ACC_NV 4
#define KERNELS_NAME fern_winograd_kernels_avx512
#include "winograd_kernels.h"
