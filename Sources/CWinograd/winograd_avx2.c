/* The Winograd kernels on AVX2 with FMA: 8-float vectors, 16 registers. */
#define VL 8
#define FERN_TARGET __attribute__((target("avx2,fma")))
#define MUL_NV 2
#define ACC_NV 2
#define KERNELS_NAME fern_winograd_kernels_avx2
#include "winograd_kernels.h"
