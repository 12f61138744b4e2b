/* parallel.h - how many threads the kernels use (OpenMP).
 *
 * Programs that compute a lot take --threads N (default: all cores) and call
 * parallel_set_threads once. Kernels split their work so that every output element is
 * computed by one thread in a fixed order: results are the same bits for any N.
 * Waiting threads spin (OpenMP's default): best on an idle machine; on a busy one (more
 * running programs than cores) a spinning thread holds a core the thread it waits for
 * needs, and small products slow down many times: run with OMP_WAIT_POLICY=passive there.
 */
#ifndef DLFS_PARALLEL_H
#define DLFS_PARALLEL_H

void parallel_set_threads(int n);   /* n >= 1; 0 = all cores */
int  parallel_threads(void);        /* the number in force */

/* Put before a for loop whose iterations are independent, each writing only its own
 * elements (an elementwise layer, an optimizer's update): with at least
 * PARALLEL_MIN_ELEMENTS elements (n) the iterations are shared among the threads in fixed
 * contiguous ranges; below that a second thread costs more than it saves (waking it takes
 * microseconds; 2^15 doubles stream through one core in about 20 us). Each element is one
 * thread's, so the bits do not depend on the number of threads. */
#define PARALLEL_MIN_ELEMENTS (1u << 15)
#ifdef _OPENMP
#define PARALLEL_PRAGMA_(x) _Pragma(#x)
#define PARALLEL_FOR_LARGE(n) \
    PARALLEL_PRAGMA_(omp parallel for schedule(static) if ((n) >= PARALLEL_MIN_ELEMENTS))
#else
#define PARALLEL_FOR_LARGE(n)
#endif

#endif
