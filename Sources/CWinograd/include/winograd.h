#ifndef FERN_WINOGRAD_H
#define FERN_WINOGRAD_H

/*
 * Winograd F(4x4, 5x5) and F(6x6, 3x3): a 5x5 or 3x3 "same" convolution
 * (stride 1, padding 2 or 1) of NHWC images, computed on 8x8 input tiles that
 * give 4x4 or 6x6 outputs, with 64 multiplications per tile and channel pair
 * instead of 400 or 324 (6.25x or 5.06x fewer).
 * Three steps per block of tiles: input transform (V), 64 matrix products
 * (M = V x U, one per tile position), output transform (+ bias, ReLU).
 *
 * The same kernels are compiled for AVX-512 (16-float vectors) and for AVX2
 * with FMA (8-float vectors); fern_winograd_kernels_for() gives the set for an
 * instruction set when this CPU runs it. Single threaded: the caller splits
 * the tiles across cores.
 */

/* Instruction sets with a set of kernels. */
enum { FERN_WINOGRAD_AVX2 = 1, FERN_WINOGRAD_AVX512 = 2 };

/* Floats from one tile position's rows to the next in V and M: rows x channels
 * plus 16, so the 64 positions of a tile do not share one cache set. V and M
 * hold 64 planes. */
static inline long fern_winograd_plane(int rows, int channels) { return (long)rows * channels + 16; }

/* Outputs per tile side: 4 for kernel 5, 6 for kernel 3. */
static inline int fern_winograd_outputs(int kernel) { return kernel == 5 ? 4 : 6; }

/* Tiles of one block: tiles first ..< first + count of an image batch with
 * tilesY x tilesX tiles per image; rows >= count, a multiple of 6. */
typedef struct {
    int kernel, height, width, tilesY, tilesX;
    long first;
    int count, rows;
} fern_winograd_block;

/* One instruction set's kernels. Channel counts are multiples of 16. */
typedef struct {
    /* Filter [kernel][kernel][cin][cout] (HWIO; kernel 3 or 5) -> U, 64 cin x cout matrices
     * (each in panels of columns, a layout private to the kernels), for input channels
     * ciFirst ..< ciFirst + ciCount. */
    void (*transform_filter)(const float *filter, int kernel, int cin, int cout, int ciFirst, int ciCount, float *u);
    /* Input x [n][height][width][cin] -> V (64 planes of rows x cin) (rows past count are zero). */
    void (*transform_input)(const float *x, int cin, fern_winograd_block block, float *v);
    /* M (64 planes of rows x cout) = V (64 planes of rows x cin) x U. */
    void (*multiply)(const float *v, const float *u, int rows, int cin, int cout, float *m);
    /* M -> y [n][height][width][cout]; adds bias (may be NULL) and applies ReLU when relu != 0. */
    void (*transform_output)(const float *m, int cout, fern_winograd_block block, const float *bias, int relu, float *y);
    /* The filter gradient, in three steps per block of tiles and one at the end:
     * W = the output gradient's tiles transformed (dy [n][height][width][cout] ->
     * 64 planes of rows x cout; rows past count are zero); dU (64 cin x cout matrices in panels, as U) +=
     * V x W summed over the block's rows (V from transform_input); at the end
     * dfilter [kernel][kernel][cin][cout] = dU transformed back, for input
     * channels ciFirst ..< ciFirst + ciCount. */
    void (*transform_gradient)(const float *dy, int cout, fern_winograd_block block, float *w);
    void (*accumulate_products)(const float *v, const float *w, int rows, int cin, int cout, float *du);
    void (*filter_gradient)(const float *du, int kernel, int cin, int cout, int ciFirst, int ciCount, float *dfilter);
} fern_winograd_kernels;

/* The kernels for FERN_WINOGRAD_AVX512 (AVX-512 F and DQ, FMA) or
 * FERN_WINOGRAD_AVX2 (AVX2, FMA), or NULL when this CPU lacks the instructions. */
const fern_winograd_kernels *fern_winograd_kernels_for(int isa);

#endif
