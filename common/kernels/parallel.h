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

#endif
