/* gemm_driver.h - the blocked product for one element type, included twice by gemm.c:
 * once with T = double (names ending _f64), once with T = float (_f32). gemm.c's opening
 * comment explains the blocking; this file is its loops.
 *
 * Expects: T, SFX(name) (appends _f64 / _f32), REF (the reference), CFG_T (the blocking
 * and kernel of the path in use).
 */

/* Pack rows i0 .. i0+m-1, columns p0 .. p0+kb-1 of op(A) into slivers of mr rows:
 * sliver s holds, for k = 0 .. kb-1, the mr values op(A)[i0 + s*mr + i][p0 + k] at
 * ap[s*mr*kb + k*mr + i], zero past row m (so edge tiles multiply by zeros). */
static void SFX(pack_a)(GemmTrans ta, const T *A, size_t lda, size_t i0, size_t m, size_t p0,
                        size_t kb, size_t mr, T *ap)
{
    for (size_t s = 0; s < m; s += mr, ap += mr * kb) {
        const size_t rows = m - s < mr ? m - s : mr;
        if (ta == GEMM_N)
            for (size_t i = 0; i < rows; i++) {
                const T *src = A + (i0 + s + i) * lda + p0;
                for (size_t k = 0; k < kb; k++)
                    ap[k * mr + i] = src[k];
            }
        else
            for (size_t k = 0; k < kb; k++) {
                const T *src = A + (p0 + k) * lda + i0 + s;
                for (size_t i = 0; i < rows; i++)
                    ap[k * mr + i] = src[i];
            }
        for (size_t i = rows; i < mr; i++)
            for (size_t k = 0; k < kb; k++)
                ap[k * mr + i] = 0;
    }
}

/* One whole sliver of NR columns (from column c0 of op(B)), NR a constant at each call so
 * the copies unroll into vector moves: the general loop below, with its run-time widths,
 * compiled to one scalar move per element and took 12% of SimpleConvNet's training (its
 * W, 4320 x 100, is packed at every forward and, transposed, every backward). */
static inline __attribute__((always_inline)) void SFX(pack_b_sliver)(GemmTrans tb,
        const T *B, size_t ldb, size_t p0, size_t kb, size_t c0, T *restrict bp,
        const size_t NR)
{
    /* 32 bytes at a time, as a vector type (not a loop of elements, which the compiler
     * turns into a memcpy call per row) */
    typedef T vec __attribute__((vector_size(32), aligned(sizeof(T)), may_alias));
    const size_t per = 32 / sizeof(T);
    if (tb == GEMM_N)
        for (size_t k = 0; k < kb; k++) {
            const T *src = B + (p0 + k) * ldb + c0;
            for (size_t j = 0; j < NR; j += per)
                *(vec *)(bp + k * NR + j) = *(const vec *)(src + j);
        }
    else
        for (size_t k = 0; k < kb; k++)     /* NR rows of B read side by side */
            for (size_t j = 0; j < NR; j++)
                bp[k * NR + j] = B[(c0 + j) * ldb + p0 + k];
}

/* Pack rows p0 .. p0+kb-1, columns j0 .. j0+n-1 of op(B) into slivers of nr columns:
 * sliver s holds, for k = 0 .. kb-1, the nr values op(B)[p0 + k][j0 + s*nr + j] at
 * bp[s*nr*kb + k*nr + j], zero past column n. */
static void SFX(pack_b)(GemmTrans tb, const T *B, size_t ldb, size_t p0, size_t kb, size_t j0,
                        size_t n, size_t nr, T *bp)
{
    for (size_t s = 0; s < n; s += nr, bp += nr * kb) {
        const size_t cols = n - s < nr ? n - s : nr;
        if (cols == nr && (nr == 8 || nr == 16 || nr == 32)) {
            if (nr == 8)
                SFX(pack_b_sliver)(tb, B, ldb, p0, kb, j0 + s, bp, 8);
            else if (nr == 16)
                SFX(pack_b_sliver)(tb, B, ldb, p0, kb, j0 + s, bp, 16);
            else
                SFX(pack_b_sliver)(tb, B, ldb, p0, kb, j0 + s, bp, 32);
            continue;
        }
        if (tb == GEMM_N)
            for (size_t k = 0; k < kb; k++) {
                const T *src = B + (p0 + k) * ldb + j0 + s;
                for (size_t j = 0; j < cols; j++)
                    bp[k * nr + j] = src[j];
                for (size_t j = cols; j < nr; j++)
                    bp[k * nr + j] = 0;
            }
        else {
            for (size_t j = 0; j < cols; j++) {
                const T *src = B + (j0 + s + j) * ldb + p0;
                for (size_t k = 0; k < kb; k++)
                    bp[k * nr + j] = src[k];
            }
            for (size_t k = 0; k < kb; k++)
                for (size_t j = cols; j < nr; j++)
                    bp[k * nr + j] = 0;
        }
    }
}

/* One thread's share: rows i0 .. i1-1 and columns j0 .. j1-1 of C, all of K, with packing
 * buffers ap (mc x kc) and bp (kc x nc, or less when the share is narrower). */
static void SFX(block)(const CFG_T *cfg, GemmTrans ta, GemmTrans tb, size_t i0, size_t i1,
                       size_t j0, size_t j1, size_t K, const T *A, size_t lda, const T *B,
                       size_t ldb, T *C, size_t ldc, int accumulate, T *ap, T *bp)
{
    const size_t mr = cfg->b.mr, nr = cfg->b.nr, mc = cfg->b.mc, kc = cfg->b.kc,
                 nc = cfg->b.nc;
    /* A (not transposed) is read in place, unpacked, when C is narrow: each A sliver then
     * serves only a few B slivers, and packing it would cost about as much as using it. */
    const int direct = ta == GEMM_N && j1 - j0 <= GEMM_DIRECT_MAX_TILES * nr;
    /* The same for B when C is short; not when B's rows are a multiple of 1 KiB apart, where
     * the rows of a sliver would crowd into the same few sets of the L1 cache. */
    const int direct_b = tb == GEMM_N && i1 - i0 <= GEMM_DIRECT_B_MAX_TILES * mr &&
                         ldb * sizeof(T) % 1024 != 0;
    /* Edge tiles (fewer than mr rows or nr columns left) go through this full-size tile. */
    _Alignas(64) T edge[GEMM_MAX_MR * GEMM_MAX_NR] = { 0 };

    for (size_t jc = j0; jc < j1; jc += nc) {               /* B panel: nc columns */
        const size_t nb = j1 - jc < nc ? j1 - jc : nc;
        for (size_t pc = 0; pc < K; pc += kc) {             /* k = pc .. pc+kb-1, in order */
            const size_t kb = K - pc < kc ? K - pc : kc;
            /* After the first kc block, the partial sums stored in C are reloaded. */
            const int load = accumulate || pc > 0;
            /* Direct B: only a last sliver of fewer than nr columns is packed. */
            const size_t packed_cols_from = direct_b ? nb / nr * nr : 0;
            if (packed_cols_from < nb)
                SFX(pack_b)(tb, B, ldb, pc, kb, jc + packed_cols_from, nb - packed_cols_from,
                            nr, bp + packed_cols_from * kb);
            for (size_t ic = i0; ic < i1; ic += mc) {       /* A block: mc rows */
                const size_t mb = i1 - ic < mc ? i1 - ic : mc;
                /* Direct A: only a last sliver of fewer than mr rows is packed. */
                const size_t packed_from = direct ? mb / mr * mr : 0;
                if (packed_from < mb)
                    SFX(pack_a)(ta, A, lda, ic + packed_from, mb - packed_from, pc, kb, mr,
                                ap + packed_from * kb);
                for (size_t jr = 0; jr < nb; jr += nr)       /* one B sliver stays in L1 */
                    for (size_t ir = 0; ir < mb; ir += mr) { /* while A slivers stream by */
                        T *c = C + (ic + ir) * ldc + jc + jr;
                        const T *a = ap + ir * kb, *b = bp + jr * kb;
                        size_t a_ld = 0, b_ld = nr;                 /* packed */
                        if (ir < packed_from) {
                            a = A + (ic + ir) * lda + pc;
                            a_ld = lda;
                        }
                        if (jr < packed_cols_from) {
                            b = B + pc * ldb + jc + jr;
                            b_ld = ldb;
                        }
                        const size_t m = mb - ir < mr ? mb - ir : mr;
                        const size_t n = nb - jr < nr ? nb - jr : nr;
                        /* The last nr/2 or fewer columns: the half-width kernel. */
                        const int half = cfg->half && 2 * n <= nr;
                        if (m == mr && n == (half ? nr / 2 : nr)) {
                            (half ? cfg->half : cfg->kernel)(kb, a, a_ld, b, b_ld, c, ldc, load);
                            continue;
                        }
                        if (load)
                            for (size_t i = 0; i < m; i++)
                                for (size_t j = 0; j < n; j++)
                                    edge[i * nr + j] = c[i * ldc + j];
                        (half ? cfg->half : cfg->kernel)(kb, a, a_ld, b, b_ld, edge, nr, load);
                        for (size_t i = 0; i < m; i++)
                            for (size_t j = 0; j < n; j++)
                                c[i * ldc + j] = edge[i * nr + j];
                    }
            }
        }
    }
}

/* The entry point: empty cases, the thread split, buffers, then block() per share. */
static void SFX(product)(GemmTrans ta, GemmTrans tb, size_t M, size_t N, size_t K, const T *A,
                      size_t lda, const T *B, size_t ldb, T *C, size_t ldc, int accumulate)
{
    if (M == 0 || N == 0)
        return;
    if (K == 0) {                       /* an empty sum: C = 0, or C unchanged */
        if (!accumulate)
            for (size_t i = 0; i < M; i++)
                for (size_t j = 0; j < N; j++)
                    C[i * ldc + j] = 0;
        return;
    }
    const CFG_T *cfg = SFX(config)();
    const GemmBlocking *bl = &cfg->b;
    Split sp = split_threads(M, N, K, bl);
    const size_t nc_use = round_up(sp.cols < bl->nc ? sp.cols : bl->nc, bl->nr);
    const size_t a_bytes = round_up(bl->mc, bl->mr) * bl->kc * sizeof(T);
    const size_t b_bytes = nc_use * bl->kc * sizeof(T);

    threads_used = 1;
    if (in_parallel()) {
        /* Called from inside someone else's parallel region: one thread, that thread's
         * nested buffers; the B panel is for all N columns (one share), not for a share of
         * the split above. */
        const size_t b_one = round_up(N < bl->nc ? N : bl->nc, bl->nr) * bl->kc * sizeof(T);
        const Buffers *own = nested_reserve(thread_num(), a_bytes, b_one);
        if (own)
            SFX(block)(cfg, ta, tb, 0, M, 0, N, K, A, lda, B, ldb, C, ldc, accumulate, own->a,
                       own->b);
        else
            REF(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
        return;
    }
    if (pool_reserve(sp.threads, a_bytes, b_bytes) != 0) {
        /* Out of memory for the packing buffers: the reference gives the same bits. */
        REF(ta, tb, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
        return;
    }
    if (sp.threads == 1) {
        SFX(block)(cfg, ta, tb, 0, M, 0, N, K, A, lda, B, ldb, C, ldc, accumulate, pool[0].a,
                   pool[0].b);
        return;
    }
#ifdef _OPENMP
#pragma omp parallel num_threads(sp.threads)
#endif
    {
        const int id = thread_num(), team = team_size();
        if (id == 0)
            threads_used = team;
        for (int s = id; s < sp.tm * sp.tn; s += team) {
            size_t i0, i1, j0, j1;
            share(&sp, s, M, N, bl, &i0, &i1, &j0, &j1);
            SFX(block)(cfg, ta, tb, i0, i1, j0, j1, K, A, lda, B, ldb, C, ldc, accumulate,
                       pool[id].a, pool[id].b);
        }
    }
}
