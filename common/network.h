/* network.h - the book's fully connected network for MNIST (book 3.6, 4.5).
 *
 * Layers W1 b1, W2 b2, ..., Wn bn (W[0] is the book's W1); sigmoid after every
 * hidden layer, softmax at the output. sample_weight.pkl is such a network
 * with shapes 784-50-100-10; the book's TwoLayerNet is 784-50-10.
 * Ownership: a Network owns its matrices; network_free releases them.
 */
#ifndef DLFS_NETWORK_H
#define DLFS_NETWORK_H

#include "arrays.h"
#include "matrix.h"

#define NETWORK_MAX_LAYERS 8

typedef struct {
    size_t nlayers;
    Matrix W[NETWORK_MAX_LAYERS];   /* W[i] is (n_i, n_i+1) */
    Matrix b[NETWORK_MAX_LAYERS];   /* b[i] is (1, n_i+1) */
} Network;

/* Builds a network from arrays named W1, b1, W2, b2, ... (as in the book's weight files):
 * checks that each Wi is 2-D, each bi 1-D, that the shapes chain (Wi's columns = bi's size
 * = Wi+1's rows) and that no other array is present. `file` names the source in errors.
 * Returns 0, or -1 with err set and *net empty. Copies the data. */
int network_from_arrays(Network *net, const ArrayList *arrays, const char *file, char *err);
/* Reads a weight file: the book's pickle (.pkl) or NumPy .npz, told apart by content.
 * Returns 0, or -1 with err set. */
int network_load(Network *net, const char *path, char *err);
/* Arrays W1, b1, ... copied out of net (b as 1-D), for npz_save; free with arraylist_free. */
void network_to_arrays(const Network *net, ArrayList *out);
void network_free(Network *net);

size_t network_input_size(const Network *net);    /* rows of W1 (784 for MNIST) */
size_t network_output_size(const Network *net);   /* columns of Wn (10 classes) */

/* y (N, out) = softmax(... sigmoid(x W1 + b1) ... Wn + bn) for x (N, in): the book's predict.
 * y is allocated by the caller. */
void network_predict(const Network *net, const Matrix *x, Matrix *y);

/* Number of rows of x whose argmax prediction equals the label t[i] (class indices).
 * Evaluates in batches of `batch` rows (1 = one image at a time, as the book's first loop). */
size_t network_count_correct(const Network *net, const Matrix *x, const size_t *t, size_t batch);

#endif
