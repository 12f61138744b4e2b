/* deep_convnet_kernels.h - DeepConvNet's inference, one image at a time, for one element
 * type T (float or double): included twice by deep_convnet.c, with T and SFX(name) defined.
 * Not a public header.
 *
 * Each step computes what the book's layer computes, in the same order, so the float64
 * version gives net_predict's bits: the convolution's sums are gemm's (k over c, ky, kx
 * ascending), then + b, then Relu; the pooling's max; Affine's x . W + b; Dropout's
 * x * (1 - 0.5).
 */

/* Convolution (3x3, stride 1, pad) on one image x (C, H, W) -> out (FN, OH*OW) through
 * im2col: col (C*9, OH*OW) holds im2col's columns transposed, row (c, ky, kx), column
 * (oy, ox), so out = W (FN, C*9) . col is already in (FN, OH, OW) order. */
static void SFX(conv_im2col)(T *out, const T *x, size_t C, size_t H, size_t W, const T *Wt,
                             size_t FN, size_t pad, T *col, size_t oh, size_t ow)
{
    const size_t n = oh * ow;
    for (size_t c = 0; c < C; c++)
        for (size_t ky = 0; ky < FILTER; ky++)
            for (size_t kx = 0; kx < FILTER; kx++) {
                T *row = col + ((c * FILTER + ky) * FILTER + kx) * n;
                for (size_t oy = 0; oy < oh; oy++) {
                    const size_t iy = oy + ky;              /* in padded coordinates */
                    T *r = row + oy * ow;
                    if (iy < pad || iy >= H + pad) {
                        for (size_t ox = 0; ox < ow; ox++)
                            r[ox] = 0;
                        continue;
                    }
                    const T *xr = x + (c * H + iy - pad) * W;
                    for (size_t ox = 0; ox < ow; ox++) {
                        const size_t ix = ox + kx;
                        r[ox] = ix < pad || ix >= W + pad ? (T)0 : xr[ix - pad];
                    }
                }
            }
    SFX(gemm)(GEMM_N, GEMM_N, FN, n, C * FILTER * FILTER, Wt, C * FILTER * FILTER, col, n, out,
              n, 0);
}

/* The convolution, then + b and Relu: out (FN, OH, OW). In float64 (DEEP_CONV_DIRECT) on
 * a CPU that runs kernels/conv_direct.h, the product without im2col: the same sums; col
 * then holds x padded with zeros. */
static void SFX(conv_relu)(T *out, const T *x, size_t C, size_t H, size_t W, const T *Wt,
                           const T *b, size_t FN, size_t pad, T *col, size_t *OH, size_t *OW)
{
    const size_t oh = H + 2 * pad - FILTER + 1, ow = W + 2 * pad - FILTER + 1, n = oh * ow;
#ifdef DEEP_CONV_DIRECT
    if (conv_direct_available()) {
        conv_direct_pad(col, x, C, H, W, pad);
        conv_direct_forward(out, Wt, FN, col, C, H + 2 * pad, W + 2 * pad, FILTER, FILTER);
    } else
#endif
        SFX(conv_im2col)(out, x, C, H, W, Wt, FN, pad, col, oh, ow);
    for (size_t f = 0; f < FN; f++)
        for (size_t p = 0; p < n; p++) {
            const T v = out[f * n + p] + b[f];
            out[f * n + p] = v > 0 ? v : (T)0;
        }
    *OH = oh;
    *OW = ow;
}

/* Pooling 2x2, stride 2: x (C, H, W) -> out (C, H/2, W/2), the max of each window. */
static void SFX(pool)(T *out, const T *x, size_t C, size_t H, size_t W)
{
    const size_t oh = H / 2, ow = W / 2;
    for (size_t c = 0; c < C; c++)
        for (size_t oy = 0; oy < oh; oy++)
            for (size_t ox = 0; ox < ow; ox++) {
                const T *p = x + (c * H + 2 * oy) * W + 2 * ox;
                T m = p[0];
                m = p[1] > m ? p[1] : m;
                m = p[W] > m ? p[W] : m;
                m = p[W + 1] > m ? p[W + 1] : m;
                out[(c * oh + oy) * ow + ox] = m;
            }
}

/* The six convolutions and three poolings of one image (1, 28, 28) -> feat (1024).
 * w[0..15] are W1, b1, ..., W8, b8; scratch holds COL_MAX + 2 * ACT_MAX values. */
static void SFX(image_features)(const T *const *w, T *feat, const T *x, T *scratch)
{
    T *col = scratch, *a = col + COL_MAX, *b = a + ACT_MAX;
    const T *in = x;
    size_t C = 1, H = SIDE, W = SIDE;
    for (size_t c = 0; c < NCONV; c++) {
        size_t OH, OW;
        SFX(conv_relu)(a, in, C, H, W, w[2 * c], w[2 * c + 1], filter_num[c], conv_pad[c], col,
                       &OH, &OW);
        C = filter_num[c], H = OH, W = OW;
        if (c % 2 == 1) {
            SFX(pool)(c == NCONV - 1 ? feat : b, a, C, H, W);
            H /= 2, W /= 2;
            in = b;
        } else {                    /* the next convolution reads a; it writes into b */
            T *t = a;
            a = b, b = t;
            in = b;
        }
    }
}

/* Affine x (n, D) . W (D, M) + b, then Relu when relu, then Dropout's test-time
 * x * (1.0 - 0.5). */
static void SFX(affine)(T *out, const T *x, size_t n, size_t D, size_t M, const T *W,
                        const T *b, int relu)
{
    SFX(gemm)(GEMM_N, GEMM_N, n, M, D, x, D, W, M, out, M, 0);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < M; j++) {
            T v = out[i * M + j] + b[j];
            if (relu)
                v = v > 0 ? v : (T)0;
            out[i * M + j] = v * ((T)1.0 - (T)0.5);
        }
}

/* y (nb, 10) for nb <= DEEP_CONVNET_F_BATCH images: each image's features on one thread
 * (its products on that thread alone: a nested team of 1), then the two Affine layers for
 * the batch. img(i) gives image i as T (converting into spare if need be). */
static void SFX(predict_batch)(const T *const *w, T *y, size_t nb, T *scratch, size_t per_thread,
                               T *feat, T *hidden, int threads,
                               const T *(*img)(void *ctx, size_t i, T *spare), void *ctx)
{
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
    {
#ifdef _OPENMP
        omp_set_num_threads(1);
        T *mine = scratch + (size_t)omp_get_thread_num() * per_thread;
#pragma omp for schedule(dynamic, 1)
#else
        T *mine = scratch;
        (void)threads, (void)per_thread;
#endif
        for (long i = 0; i < (long)nb; i++) {
            const T *x = img(ctx, (size_t)i, mine + COL_MAX + 2 * ACT_MAX);
            SFX(image_features)(w, feat + (size_t)i * FEATURES, x, mine);
        }
    }
    SFX(affine)(hidden, feat, nb, FEATURES, HIDDEN, w[12], w[13], 1);
    SFX(affine)(y, hidden, nb, HIDDEN, OUTPUT, w[14], w[15], 0);
}
