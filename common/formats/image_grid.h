/* image_grid.h - a grid of small images as one data file, for gnuplot's `with image`: the
 * book's filter_show (ch07/visualize_filter.py, apply_filter.py), which draws each filter in
 * its own subplot, scaled to its own minimum and maximum (imshow's default).
 *
 * n images of h x w values (image i at tiles + i*h*w, row-major) go nx to a row, with
 * `margin` pixels between them. Each is scaled to [0, 1] by its own min and max (a constant
 * image becomes 0.5); the margins are NaN, which gnuplot leaves undrawn. The file holds the
 * columns "x y value", one line per pixel, x to the right and y downwards from the top-left
 * pixel (0, 0), as datafile.h writes them (atomically, with a header).
 */
#ifndef DLFS_IMAGE_GRID_H
#define DLFS_IMAGE_GRID_H

#include <stddef.h>

/* Returns 0, or -1 with err (ERR_LEN). */
int image_grid_write(const char *dir, const char *name, const char *title, const double *tiles,
                     size_t n, size_t h, size_t w, size_t nx, size_t margin, char *err);

#endif
