/* Convolution backends for Orbit: oneDNN's convolution primitives against im2col + OpenBLAS sgemm
 * (the algorithm of Sources/OrbitNetworks/Kernels/Conv2dKernel.swift), on the ResNet-20 (w = 16)
 * convolution shapes for 28×28 inputs. Forward, backward-data and backward-weights, f32, NCHW user
 * memory; oneDNN picks its own layouts and the reorders it needs are timed with it.
 *
 * Usage: conv_bench THREADS [REPETITIONS]  (set OMP_NUM_THREADS=THREADS too, see run.sh)
 * Prints one line per (shape, batch, backend): the best of REPETITIONS timings (ms per call) of each pass. */
#include <oneapi/dnnl/dnnl.h>
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK(call)                                                                 \
    do {                                                                            \
        dnnl_status_t s_ = (call);                                                  \
        if (s_ != dnnl_success) {                                                   \
            fprintf(stderr, "%s:%d: %s failed (%d)\n", __FILE__, __LINE__, #call, s_); \
            exit(1);                                                                \
        }                                                                           \
    } while (0)

typedef struct {
    const char *name;
    int c, h, w, k, kh, stride, pad, uses; /* uses: how often the shape occurs in one ResNet-20 pass */
} Shape;

static const Shape shapes[] = {
    {"conv1 1->16 3x3 @28", 1, 28, 28, 16, 3, 1, 1, 1},
    {"16->16 3x3 @28", 16, 28, 28, 16, 3, 1, 1, 6},
    {"16->32 3x3 s2 @28", 16, 28, 28, 32, 3, 2, 1, 1},
    {"16->32 1x1 s2 @28", 16, 28, 28, 32, 1, 2, 0, 1},
    {"32->32 3x3 @14", 32, 14, 14, 32, 3, 1, 1, 5},
    {"32->64 3x3 s2 @14", 32, 14, 14, 64, 3, 2, 1, 1},
    {"32->64 1x1 s2 @14", 32, 14, 14, 64, 1, 2, 0, 1},
    {"64->64 3x3 @7", 64, 7, 7, 64, 3, 1, 1, 5},
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static float *randoms(size_t n) {
    float *p = aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64);
    for (size_t i = 0; i < n; i++) p[i] = (float)rand() / RAND_MAX - 0.5f;
    return p;
}

/* ---------- im2col + sgemm, one GEMM per sample (as the Swift kernel) ---------- */

typedef struct {
    Shape s;
    int n, oh, ow, patch, positions, pointwise;
    float *col, *colAll, *outAll;
} Gemm;

/* The output columns q whose input column q·stride + offset lies in [0, size): [*lower, *upper). The
 * padding tests are hoisted out of the inner loops, as in Sources/OrbitNetworks/Kernels/Im2col.swift. */
static void valid_range(int offset, int stride, int size, int outputs, int *lower, int *upper) {
    int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    int last = size - 1 - offset;
    int hi = last < 0 ? 0 : (last / stride + 1 < outputs ? last / stride + 1 : outputs);
    *lower = lo < hi ? lo : hi;
    *upper = hi;
}

static void im2col(const Gemm *g, const float *x, float *col, int ld) {
    const Shape *s = &g->s;
    int oh = g->oh, ow = g->ow, st = s->stride;
    for (int c = 0; c < s->c; c++)
        for (int i = 0; i < s->kh; i++) {
            int p0, p1;
            valid_range(i - s->pad, st, s->h, oh, &p0, &p1);
            for (int j = 0; j < s->kh; j++) {
                float *row = col + (size_t)((c * s->kh + i) * s->kh + j) * ld;
                int offset = j - s->pad, q0, q1;
                valid_range(offset, st, s->w, ow, &q0, &q1);
                memset(row, 0, sizeof(float) * p0 * ow);
                for (int p = p0; p < p1; p++) {
                    float *out = row + p * ow;
                    const float *src = x + (c * s->h + p * st - s->pad + i) * s->w + offset;
                    for (int q = 0; q < q0; q++) out[q] = 0;
                    if (st == 1)
                        memcpy(out + q0, src + q0, sizeof(float) * (q1 - q0));
                    else
                        for (int q = q0; q < q1; q++) out[q] = src[q * st];
                    for (int q = q1; q < ow; q++) out[q] = 0;
                }
                memset(row + p1 * ow, 0, sizeof(float) * (oh - p1) * ow);
            }
        }
}

static void col2im(const Gemm *g, const float *col, float *x, int ld) {
    const Shape *s = &g->s;
    int oh = g->oh, ow = g->ow, st = s->stride;
    memset(x, 0, sizeof(float) * s->c * s->h * s->w);
    for (int c = 0; c < s->c; c++)
        for (int i = 0; i < s->kh; i++) {
            int p0, p1;
            valid_range(i - s->pad, st, s->h, oh, &p0, &p1);
            for (int j = 0; j < s->kh; j++) {
                const float *row = col + (size_t)((c * s->kh + i) * s->kh + j) * ld;
                int offset = j - s->pad, q0, q1;
                valid_range(offset, st, s->w, ow, &q0, &q1);
                for (int p = p0; p < p1; p++) {
                    const float *src = row + p * ow;
                    float *target = x + (c * s->h + p * st - s->pad + i) * s->w + offset;
                    for (int q = q0; q < q1; q++) target[q * st] += src[q];
                }
            }
        }
}

static void gemm_forward(Gemm *g, const float *x, const float *w, float *y) {
    int in = g->s.c * g->s.h * g->s.w, out = g->s.k * g->positions;
    for (int n = 0; n < g->n; n++) {
        const float *col = x + n * in;
        if (!g->pointwise) { im2col(g, x + n * in, g->col, g->positions); col = g->col; }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->s.k, g->positions, g->patch, 1, w, g->patch, col,
                    g->positions, 0, y + n * out, g->positions);
    }
}

static void gemm_backward_data(Gemm *g, const float *dy, const float *w, float *dx) {
    int in = g->s.c * g->s.h * g->s.w, out = g->s.k * g->positions;
    for (int n = 0; n < g->n; n++) {
        float *target = g->pointwise ? dx + n * in : g->col;
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, g->patch, g->positions, g->s.k, 1, w, g->patch,
                    dy + n * out, g->positions, 0, target, g->positions);
        if (!g->pointwise) col2im(g, g->col, dx + n * in, g->positions);
    }
}

static void gemm_backward_weights(Gemm *g, const float *x, const float *dy, float *dw) {
    int in = g->s.c * g->s.h * g->s.w, out = g->s.k * g->positions;
    for (int n = 0; n < g->n; n++) {
        const float *col = x + n * in;
        if (!g->pointwise) { im2col(g, x + n * in, g->col, g->positions); col = g->col; }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g->s.k, g->patch, g->positions, 1, dy + n * out,
                    g->positions, col, g->positions, n == 0 ? 0 : 1, dw, g->patch);
    }
}


/* Batched variant: one column matrix K × (N·P) for the whole batch and one GEMM per pass; the GEMM's
 * C_out × (N·P) result is channel-major across samples, so it is transposed to/from NCHW in blocks of P. */
static void batched_forward(Gemm *g, const float *x, const float *w, float *y) {
    int in = g->s.c * g->s.h * g->s.w, P = g->positions, ld = g->n * P;
    for (int n = 0; n < g->n; n++) im2col(g, x + n * in, g->colAll + n * P, ld);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->s.k, ld, g->patch, 1, w, g->patch, g->colAll, ld, 0,
                g->outAll, ld);
    for (int n = 0; n < g->n; n++)
        for (int o = 0; o < g->s.k; o++)
            memcpy(y + ((size_t)n * g->s.k + o) * P, g->outAll + (size_t)o * ld + n * P, sizeof(float) * P);
}

static void gather(Gemm *g, const float *dy) {
    int P = g->positions, ld = g->n * P;
    for (int n = 0; n < g->n; n++)
        for (int o = 0; o < g->s.k; o++)
            memcpy(g->outAll + (size_t)o * ld + n * P, dy + ((size_t)n * g->s.k + o) * P, sizeof(float) * P);
}

static void batched_backward_data(Gemm *g, const float *dy, const float *w, float *dx) {
    int in = g->s.c * g->s.h * g->s.w, P = g->positions, ld = g->n * P;
    gather(g, dy);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, g->patch, ld, g->s.k, 1, w, g->patch, g->outAll, ld, 0,
                g->colAll, ld);
    for (int n = 0; n < g->n; n++) col2im(g, g->colAll + n * P, dx + n * in, ld);
}

static void batched_backward_weights(Gemm *g, const float *x, const float *dy, float *dw) {
    int in = g->s.c * g->s.h * g->s.w, P = g->positions, ld = g->n * P;
    gather(g, dy);
    for (int n = 0; n < g->n; n++) im2col(g, x + n * in, g->colAll + n * P, ld);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g->s.k, g->patch, ld, 1, g->outAll, ld, g->colAll, ld, 0, dw,
                g->patch);
}

/* ---------- oneDNN ---------- */

static dnnl_engine_t engine;
static dnnl_stream_t stream;

/* A user (NCHW/OIHW) buffer and, when the primitive wants another layout, its reordered copy. */
typedef struct {
    dnnl_memory_t user, internal;
    dnnl_primitive_t reorder; /* NULL when the layouts agree */
} Operand;

static Operand operand(const dnnl_memory_desc_t *user_md, void *data, const dnnl_memory_desc_t *want, int to_user) {
    Operand o = {0};
    CHECK(dnnl_memory_create(&o.user, user_md, engine, data));
    if (dnnl_memory_desc_equal(user_md, want)) {
        o.internal = o.user;
        return o;
    }
    CHECK(dnnl_memory_create(&o.internal, want, engine, DNNL_MEMORY_ALLOCATE));
    dnnl_primitive_desc_t rpd;
    if (to_user)
        CHECK(dnnl_reorder_primitive_desc_create(&rpd, want, engine, user_md, engine, NULL));
    else
        CHECK(dnnl_reorder_primitive_desc_create(&rpd, user_md, engine, want, engine, NULL));
    CHECK(dnnl_primitive_create(&o.reorder, rpd));
    dnnl_primitive_desc_destroy(rpd);
    return o;
}

static void reorder(const Operand *o, int to_user) {
    if (!o->reorder) return;
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, to_user ? o->internal : o->user},
                               {DNNL_ARG_TO, to_user ? o->user : o->internal}};
    CHECK(dnnl_primitive_execute(o->reorder, stream, 2, args));
}

typedef struct {
    dnnl_primitive_t fwd, bwd_data, bwd_weights;
    Operand f_src, f_wei, f_dst, d_ddst, d_wei, d_dsrc, w_src, w_ddst, w_dwei;
} Dnnl;

static const dnnl_memory_desc_t *query(dnnl_primitive_desc_t pd, dnnl_query_t what) {
    return dnnl_primitive_desc_query_md(pd, what, 0);
}

static Dnnl onednn_setup(const Shape *s, int n, int oh, int ow, float *x, float *w, float *y, float *dy, float *dx,
                       float *dw) {
    Dnnl d;
    dnnl_dims_t src_dims = {n, s->c, s->h, s->w}, wei_dims = {s->k, s->c, s->kh, s->kh}, dst_dims = {n, s->k, oh, ow};
    dnnl_dims_t strides = {s->stride, s->stride}, pad = {s->pad, s->pad};
    dnnl_memory_desc_t src_md, wei_md, dst_md, src_any, wei_any, dst_any;
    CHECK(dnnl_memory_desc_init_by_tag(&src_md, 4, src_dims, dnnl_f32, dnnl_nchw));
    CHECK(dnnl_memory_desc_init_by_tag(&wei_md, 4, wei_dims, dnnl_f32, dnnl_oihw));
    CHECK(dnnl_memory_desc_init_by_tag(&dst_md, 4, dst_dims, dnnl_f32, dnnl_nchw));
    CHECK(dnnl_memory_desc_init_by_tag(&src_any, 4, src_dims, dnnl_f32, dnnl_format_tag_any));
    CHECK(dnnl_memory_desc_init_by_tag(&wei_any, 4, wei_dims, dnnl_f32, dnnl_format_tag_any));
    CHECK(dnnl_memory_desc_init_by_tag(&dst_any, 4, dst_dims, dnnl_f32, dnnl_format_tag_any));

    dnnl_convolution_desc_t desc;
    dnnl_primitive_desc_t fpd, dpd, wpd;
    CHECK(dnnl_convolution_forward_desc_init(&desc, dnnl_forward_training, dnnl_convolution_direct, &src_any,
                                             &wei_any, NULL, &dst_any, strides, pad, pad));
    CHECK(dnnl_primitive_desc_create(&fpd, &desc, NULL, engine, NULL));
    CHECK(dnnl_convolution_backward_data_desc_init(&desc, dnnl_convolution_direct, &src_any, &wei_any, &dst_any,
                                                   strides, pad, pad));
    CHECK(dnnl_primitive_desc_create(&dpd, &desc, NULL, engine, fpd));
    CHECK(dnnl_convolution_backward_weights_desc_init(&desc, dnnl_convolution_direct, &src_any, &wei_any, NULL,
                                                      &dst_any, strides, pad, pad));
    CHECK(dnnl_primitive_desc_create(&wpd, &desc, NULL, engine, fpd));

    d.f_src = operand(&src_md, x, query(fpd, dnnl_query_src_md), 0);
    d.f_wei = operand(&wei_md, w, query(fpd, dnnl_query_weights_md), 0);
    d.f_dst = operand(&dst_md, y, query(fpd, dnnl_query_dst_md), 1);
    d.d_ddst = operand(&dst_md, dy, query(dpd, dnnl_query_diff_dst_md), 0);
    d.d_wei = operand(&wei_md, w, query(dpd, dnnl_query_weights_md), 0);
    d.d_dsrc = operand(&src_md, dx, query(dpd, dnnl_query_diff_src_md), 1);
    d.w_src = operand(&src_md, x, query(wpd, dnnl_query_src_md), 0);
    d.w_ddst = operand(&dst_md, dy, query(wpd, dnnl_query_diff_dst_md), 0);
    d.w_dwei = operand(&wei_md, dw, query(wpd, dnnl_query_diff_weights_md), 1);
    CHECK(dnnl_primitive_create(&d.fwd, fpd));
    CHECK(dnnl_primitive_create(&d.bwd_data, dpd));
    CHECK(dnnl_primitive_create(&d.bwd_weights, wpd));
    dnnl_primitive_desc_destroy(fpd);
    dnnl_primitive_desc_destroy(dpd);
    dnnl_primitive_desc_destroy(wpd);
    return d;
}

static void onednn_forward(Dnnl *d) {
    reorder(&d->f_src, 0);
    reorder(&d->f_wei, 0);
    dnnl_exec_arg_t args[3] = {
        {DNNL_ARG_SRC, d->f_src.internal}, {DNNL_ARG_WEIGHTS, d->f_wei.internal}, {DNNL_ARG_DST, d->f_dst.internal}};
    CHECK(dnnl_primitive_execute(d->fwd, stream, 3, args));
    reorder(&d->f_dst, 1);
    CHECK(dnnl_stream_wait(stream));
}

static void onednn_backward_data(Dnnl *d) {
    reorder(&d->d_ddst, 0);
    reorder(&d->d_wei, 0);
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_DIFF_DST, d->d_ddst.internal},
                               {DNNL_ARG_WEIGHTS, d->d_wei.internal},
                               {DNNL_ARG_DIFF_SRC, d->d_dsrc.internal}};
    CHECK(dnnl_primitive_execute(d->bwd_data, stream, 3, args));
    reorder(&d->d_dsrc, 1);
    CHECK(dnnl_stream_wait(stream));
}

static void onednn_backward_weights(Dnnl *d) {
    reorder(&d->w_src, 0);
    reorder(&d->w_ddst, 0);
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, d->w_src.internal},
                               {DNNL_ARG_DIFF_DST, d->w_ddst.internal},
                               {DNNL_ARG_DIFF_WEIGHTS, d->w_dwei.internal}};
    CHECK(dnnl_primitive_execute(d->bwd_weights, stream, 3, args));
    reorder(&d->w_dwei, 1);
    CHECK(dnnl_stream_wait(stream));
}

/* ---------- timing ---------- */

static int repetitions = 3;

/* Best over `repetitions` of the mean time of enough calls to fill ~0.1 s (ms per call). */
#define TIME(result, call)                                                        \
    do {                                                                          \
        call;                                                                     \
        double t0_ = now();                                                       \
        call;                                                                     \
        double once_ = now() - t0_;                                               \
        int iterations_ = once_ > 0.1 ? 1 : (int)(0.1 / (once_ + 1e-9)) + 1;      \
        double best_ = INFINITY;                                                  \
        for (int r_ = 0; r_ < repetitions; r_++) {                                \
            double start_ = now();                                                \
            for (int i_ = 0; i_ < iterations_; i_++) call;                        \
            double t_ = (now() - start_) / iterations_;                           \
            if (t_ < best_) best_ = t_;                                           \
        }                                                                         \
        result = 1e3 * best_;                                                     \
    } while (0)

static double max_difference(const float *a, const float *b, size_t n) {
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]) / (1 + fabs((double)b[i]));
        if (d > worst) worst = d;
    }
    return worst;
}

static void check(const Shape *s, int n, const char *backend, const float *y1, const float *y2, size_t out,
                  const float *dx1, const float *dx2, size_t in, const float *dw1, const float *dw2, size_t wc) {
    double e = fmax(max_difference(y1, y2, out), fmax(max_difference(dx1, dx2, in), max_difference(dw1, dw2, wc)));
    if (e > 1e-3) {
        fprintf(stderr, "%s batch %d: %s disagrees with oneDNN (relative %g)\n", s->name, n, backend, e);
        exit(1);
    }
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (argc > 2) repetitions = atoi(argv[2]);
    openblas_set_num_threads(threads);
    CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    const int batches[] = {64, 128};
    double totals[2][3][3] = {{{0}}}; /* [batch][backend][pass], weighted by uses */
    printf("threads %d, best of %d\n", threads, repetitions);
    printf("%-22s %5s %-8s %9s %9s %9s %9s\n", "shape", "batch", "backend", "fwd ms", "bwd-data", "bwd-wei", "total");
    for (int b = 0; b < 2; b++)
        for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
            const Shape *s = &shapes[si];
            int n = batches[b];
            int oh = (s->h + 2 * s->pad - s->kh) / s->stride + 1, ow = (s->w + 2 * s->pad - s->kh) / s->stride + 1;
            size_t in = (size_t)n * s->c * s->h * s->w, out = (size_t)n * s->k * oh * ow;
            size_t wc = (size_t)s->k * s->c * s->kh * s->kh;
            float *x = randoms(in), *w = randoms(wc), *dy = randoms(out);
            float *y1 = randoms(out), *y2 = randoms(out), *dx1 = randoms(in), *dx2 = randoms(in);
            float *dw1 = randoms(wc), *dw2 = randoms(wc);
            Gemm g = {*s, n, oh, ow, s->c * s->kh * s->kh, oh * ow,
                      s->kh == 1 && s->stride == 1 && s->pad == 0, NULL, NULL, NULL};
            g.col = randoms((size_t)g.patch * g.positions);
            g.colAll = randoms((size_t)g.patch * g.positions * n);
            g.outAll = randoms((size_t)s->k * g.positions * n);
            Dnnl d = onednn_setup(s, n, oh, ow, x, w, y2, dy, dx2, dw2);
            double t[3][3];
            TIME(t[1][0], onednn_forward(&d));
            TIME(t[1][1], onednn_backward_data(&d));
            TIME(t[1][2], onednn_backward_weights(&d));
            /* Every backend must compute the same thing as oneDNN. */
            TIME(t[0][0], gemm_forward(&g, x, w, y1));
            TIME(t[0][1], gemm_backward_data(&g, dy, w, dx1));
            TIME(t[0][2], gemm_backward_weights(&g, x, dy, dw1));
            check(s, n, "im2col", y1, y2, out, dx1, dx2, in, dw1, dw2, wc);
            TIME(t[2][0], batched_forward(&g, x, w, y1));
            TIME(t[2][1], batched_backward_data(&g, dy, w, dx1));
            TIME(t[2][2], batched_backward_weights(&g, x, dy, dw1));
            check(s, n, "im2col-b", y1, y2, out, dx1, dx2, in, dw1, dw2, wc);
            const char *names[3] = {"im2col", "oneDNN", "im2col-b"};
            for (int k = 0; k < 3; k++) {
                printf("%-22s %5d %-8s %9.3f %9.3f %9.3f %9.3f\n", s->name, n, names[k], t[k][0], t[k][1], t[k][2],
                       t[k][0] + t[k][1] + t[k][2]);
                for (int p = 0; p < 3; p++) totals[b][k][p] += s->uses * t[k][p];
            }
            fflush(stdout);
            free(x), free(w), free(dy), free(y1), free(y2), free(dx1), free(dx2), free(dw1), free(dw2), free(g.col), free(g.colAll), free(g.outAll);
        }
    printf("\nResNet-20 (w=16, 28x28) convolutions of one training step (forward + both backwards), each shape\n"
           "weighted by its occurrences (conv1's backward-data is counted although training skips it):\n");
    const char *names[3] = {"im2col", "oneDNN", "im2col-b"};
    for (int b = 0; b < 2; b++)
        for (int k = 0; k < 3; k++) {
            double total = totals[b][k][0] + totals[b][k][1] + totals[b][k][2];
            double onednn = totals[b][1][0] + totals[b][1][1] + totals[b][1][2];
            printf("batch %3d %-8s %8.2f ms (fwd %7.2f, bwd-data %7.2f, bwd-wei %7.2f)  %.2fx oneDNN's time\n",
                   batches[b], names[k], total, totals[b][k][0], totals[b][k][1], totals[b][k][2], total / onednn);
        }
    return 0;
}
