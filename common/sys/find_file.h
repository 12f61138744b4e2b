/* find_file.h - the file a program reads by default: the reader's copy of a book file, else
 * the project's own (ch03_mnist's weights, ch07's params).
 */
#ifndef DLFS_FIND_FILE_H
#define DLFS_FIND_FILE_H

#include <stddef.h>

/* given (an option's value) if not NULL, else the first of the n project-relative paths
 * rel[] that exists ("data/params.pkl", "data/weights/simple_convnet.npz"), else NULL.
 * Returns a malloc'd path (free it). */
char *find_first_file(const char *given, const char *const rel[], size_t n);

#endif
