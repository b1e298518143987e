#include "winograd.h"

/*
 * Matrices (interpolation points 0, 1, -1, 2, -2, 1/2, -1/2, infinity; the
 * construction of Lavin & Gray, "Fast Algorithms for Convolutional Neural
 * Networks", 2016), for y[i] = sum_k g[k] * d[i + k]:
 *   y = AT [ (G g) * (BT d) ], in 2-D  Y = AT [ (G g GT) * (BT d B) ] A.
 *   AT (4x8): 1 1 1 1 1 1 1 0 / 0 1 -1 2 -2 1/2 -1/2 0 / 0 1 1 4 4 1/4 1/4 0 / 0 1 -1 8 -8 1/8 -1/8 1
 *   G  (8x5): rows -1 0 0 0 0 / -2/9 x5 / -2/9 2/9 -2/9 2/9 -2/9 / 1/90 1/45 2/45 4/45 8/45 /
 *             1/90 -1/45 2/45 -4/45 8/45 / 32/45 16/45 8/45 4/45 2/45 / 32/45 -16/45 8/45 -4/45 2/45 / 0 0 0 0 1
 *   BT (8x8): the same as F(6x6, 3x3)'s.
 * The apply_* functions below are generated from them (scripts/winograd_matrices.py
 * derives and checks the matrices in exact fractions).
 */

#define FERN_TARGET __attribute__((target("avx512f,avx512dq,fma")))

typedef float v16 __attribute__((vector_size(64)));
typedef int v16i __attribute__((vector_size(64)));
typedef float v16u __attribute__((vector_size(64), aligned(4)));

static FERN_TARGET inline v16 load16(const float *p) { return *(const v16u *)p; }
static FERN_TARGET inline void store16(float *p, v16 v) { *(v16u *)p = v; }
static FERN_TARGET inline v16 splat16(float x) { return (v16){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }

/* out[i] = sum_k BT[i][k] * in[k], zero terms left out (generated from the matrices in the comment above). */
static FERN_TARGET inline void apply_BT(const v16 *in, v16 *out) {
    out[0] = -in[0] + (21.0f / 4.0f) * in[2] + (-21.0f / 4.0f) * in[4] + in[6];
    out[1] = in[1] + in[2] + (-17.0f / 4.0f) * in[3] + (-17.0f / 4.0f) * in[4] + in[5] + in[6];
    out[2] = -in[1] + in[2] + (17.0f / 4.0f) * in[3] + (-17.0f / 4.0f) * in[4] - in[5] + in[6];
    out[3] = (1.0f / 2.0f) * in[1] + (1.0f / 4.0f) * in[2] + (-5.0f / 2.0f) * in[3] + (-5.0f / 4.0f) * in[4] + 2.0f * in[5] + in[6];
    out[4] = (-1.0f / 2.0f) * in[1] + (1.0f / 4.0f) * in[2] + (5.0f / 2.0f) * in[3] + (-5.0f / 4.0f) * in[4] - 2.0f * in[5] + in[6];
    out[5] = 2.0f * in[1] + 4.0f * in[2] + (-5.0f / 2.0f) * in[3] - 5.0f * in[4] + (1.0f / 2.0f) * in[5] + in[6];
    out[6] = -2.0f * in[1] + 4.0f * in[2] + (5.0f / 2.0f) * in[3] - 5.0f * in[4] + (-1.0f / 2.0f) * in[5] + in[6];
    out[7] = -in[1] + (21.0f / 4.0f) * in[3] + (-21.0f / 4.0f) * in[5] + in[7];
}
/* out[i] = sum_k AT[i][k] * in[k], zero terms left out (generated from the matrices in the comment above). */
static FERN_TARGET inline void apply_AT(const v16 *in, v16 *out) {
    out[0] = in[0] + in[1] + in[2] + in[3] + in[4] + in[5] + in[6];
    out[1] = in[1] - in[2] + 2.0f * in[3] - 2.0f * in[4] + (1.0f / 2.0f) * in[5] + (-1.0f / 2.0f) * in[6];
    out[2] = in[1] + in[2] + 4.0f * in[3] + 4.0f * in[4] + (1.0f / 4.0f) * in[5] + (1.0f / 4.0f) * in[6];
    out[3] = in[1] - in[2] + 8.0f * in[3] - 8.0f * in[4] + (1.0f / 8.0f) * in[5] + (-1.0f / 8.0f) * in[6] + in[7];
}
/* out[i] = sum_k G[i][k] * in[k], zero terms left out (generated from the matrices in the comment above). */
static FERN_TARGET inline void apply_G(const v16 *in, v16 *out) {
    out[0] = -in[0];
    out[1] = (-2.0f / 9.0f) * in[0] + (-2.0f / 9.0f) * in[1] + (-2.0f / 9.0f) * in[2] + (-2.0f / 9.0f) * in[3] + (-2.0f / 9.0f) * in[4];
    out[2] = (-2.0f / 9.0f) * in[0] + (2.0f / 9.0f) * in[1] + (-2.0f / 9.0f) * in[2] + (2.0f / 9.0f) * in[3] + (-2.0f / 9.0f) * in[4];
    out[3] = (1.0f / 90.0f) * in[0] + (1.0f / 45.0f) * in[1] + (2.0f / 45.0f) * in[2] + (4.0f / 45.0f) * in[3] + (8.0f / 45.0f) * in[4];
    out[4] = (1.0f / 90.0f) * in[0] + (-1.0f / 45.0f) * in[1] + (2.0f / 45.0f) * in[2] + (-4.0f / 45.0f) * in[3] + (8.0f / 45.0f) * in[4];
    out[5] = (32.0f / 45.0f) * in[0] + (16.0f / 45.0f) * in[1] + (8.0f / 45.0f) * in[2] + (4.0f / 45.0f) * in[3] + (2.0f / 45.0f) * in[4];
    out[6] = (32.0f / 45.0f) * in[0] + (-16.0f / 45.0f) * in[1] + (8.0f / 45.0f) * in[2] + (-4.0f / 45.0f) * in[3] + (2.0f / 45.0f) * in[4];
    out[7] = in[4];
}

long fern_winograd_plane(int rows, int channels) { return (long)rows * channels + 16; }

int fern_winograd_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma");
}

FERN_TARGET void fern_winograd_transform_filter(const float *filter, int cin, int cout, int ciFirst, int ciCount, float *u) {
    for (int ci = ciFirst; ci < ciFirst + ciCount; ci++) {
        for (int co = 0; co < cout; co += 16) {
            v16 g[5][5], r[8][5], column[5], out[8];
            for (int ky = 0; ky < 5; ky++)
                for (int kx = 0; kx < 5; kx++) g[ky][kx] = load16(filter + ((long)(ky * 5 + kx) * cin + ci) * cout + co);
            /* r = G g (along ky), then u = r GT (along kx). */
            for (int kx = 0; kx < 5; kx++) {
                for (int ky = 0; ky < 5; ky++) column[ky] = g[ky][kx];
                apply_G(column, out);
                for (int i = 0; i < 8; i++) r[i][kx] = out[i];
            }
            for (int i = 0; i < 8; i++) {
                apply_G(r[i], out);
                for (int j = 0; j < 8; j++) store16(u + ((long)(i * 8 + j) * cin + ci) * cout + co, out[j]);
            }
        }
    }
}

FERN_TARGET void fern_winograd_transform_input(const float *x, int cin, fern_winograd_block b, float *v) {
    const long plane = fern_winograd_plane(b.rows, cin);
    const int perImage = b.tilesY * b.tilesX;
    for (int q = 0; q < b.rows; q++) {
        if (q >= b.count) {
            for (int e = 0; e < 64; e++)
                for (int c = 0; c < cin; c += 16) store16(v + e * plane + (long)q * cin + c, splat16(0));
            continue;
        }
        const long tile = b.first + q;
        const long image = tile / perImage;
        const int ty = (int)(tile % perImage) / b.tilesX, tx = (int)(tile % perImage) % b.tilesX;
        const int top = ty * 4 - 2, left = tx * 4 - 2;
        for (int c = 0; c < cin; c += 16) {
            v16 d[8][8], t[8][8], column[8], out[8];
            for (int i = 0; i < 8; i++) {
                const int yy = top + i;
                for (int j = 0; j < 8; j++) {
                    const int xx = left + j;
                    d[i][j] = (yy >= 0 && yy < b.height && xx >= 0 && xx < b.width)
                        ? load16(x + ((image * b.height + yy) * b.width + xx) * cin + c) : splat16(0);
                }
            }
            /* t = BT d (down the columns), then v = t B (along the rows). */
            for (int j = 0; j < 8; j++) {
                for (int i = 0; i < 8; i++) column[i] = d[i][j];
                apply_BT(column, out);
                for (int i = 0; i < 8; i++) t[i][j] = out[i];
            }
            for (int i = 0; i < 8; i++) {
                apply_BT(t[i], out);
                for (int j = 0; j < 8; j++) store16(v + (i * 8 + j) * plane + (long)q * cin + c, out[j]);
            }
        }
    }
}

/* 6 rows x (16 * NV) columns of one product, accumulated over cin in registers. */
#define MICRO_KERNEL(NV)                                                                       \
    do {                                                                                       \
        v16 acc[6][NV];                                                                        \
        for (int i = 0; i < 6; i++)                                                            \
            for (int s = 0; s < NV; s++) acc[i][s] = splat16(0);                               \
        for (int k = 0; k < cin; k++) {                                                        \
            v16 w[NV];                                                                         \
            for (int s = 0; s < NV; s++) w[s] = load16(ue + (long)k * cout + col + 16 * s);    \
            for (int i = 0; i < 6; i++) {                                                      \
                const v16 a = splat16(ve[(long)(row + i) * cin + k]);                          \
                for (int s = 0; s < NV; s++) acc[i][s] += a * w[s];                            \
            }                                                                                  \
        }                                                                                      \
        for (int i = 0; i < 6; i++)                                                            \
            for (int s = 0; s < NV; s++) store16(me + (long)(row + i) * cout + col + 16 * s, acc[i][s]); \
    } while (0)

FERN_TARGET void fern_winograd_multiply(const float *v, const float *u, int rows, int cin, int cout, float *m) {
    for (int e = 0; e < 64; e++) {
        const float *ve = v + e * fern_winograd_plane(rows, cin);
        const float *ue = u + (long)e * cin * cout;
        float *me = m + e * fern_winograd_plane(rows, cout);
        int col = 0;
        for (; col + 64 <= cout; col += 64)
            for (int row = 0; row < rows; row += 6) MICRO_KERNEL(4);
        for (; col < cout; col += 16)
            for (int row = 0; row < rows; row += 6) MICRO_KERNEL(1);
    }
}

FERN_TARGET void fern_winograd_transform_output(const float *m, int cout, fern_winograd_block b,
                                                const float *bias, int relu, float *y) {
    const long plane = fern_winograd_plane(b.rows, cout);
    const int perImage = b.tilesY * b.tilesX;
    for (int q = 0; q < b.count; q++) {
        const long tile = b.first + q;
        const long image = tile / perImage;
        const int ty = (int)(tile % perImage) / b.tilesX, tx = (int)(tile % perImage) % b.tilesX;
        const int top = ty * 4, left = tx * 4;
        for (int c = 0; c < cout; c += 16) {
            v16 s[8][4], column[8], row[8], out[4];
            /* s = AT m (down the columns) as 4x8, then y = s A (along the rows). */
            for (int j = 0; j < 8; j++) {
                for (int i = 0; i < 8; i++) column[i] = load16(m + (i * 8 + j) * plane + (long)q * cout + c);
                apply_AT(column, out);
                for (int i = 0; i < 4; i++) s[j][i] = out[i];
            }
            const v16 add = bias ? load16(bias + c) : splat16(0);
            for (int i = 0; i < 4; i++) {
                const int yy = top + i;
                if (yy >= b.height) break;
                for (int j = 0; j < 8; j++) row[j] = s[j][i];
                apply_AT(row, out);
                for (int j = 0; j < 4; j++) {
                    const int xx = left + j;
                    if (xx >= b.width) break;
                    v16 value = out[j] + add;
                    /* x > 0 ? x : 0, as Fern's ReLU (NaN gives 0). */
                    if (relu) value = (v16)((v16i)value & (v16i)(value > splat16(0)));
                    store16(y + ((image * b.height + yy) * b.width + xx) * cout + c, value);
                }
            }
        }
    }
}
