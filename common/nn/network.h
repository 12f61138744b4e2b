/* network.h - the book's fully connected network for MNIST (book 3.6, 4.5).
 *
 * Layers W1 b1, W2 b2, ..., Wn bn (W[0] is the book's W1); sigmoid after every
 * hidden layer, softmax at the output. sample_weight.pkl is such a network
 * with shapes 784-50-100-10; the book's TwoLayerNet is 784-50-10.
 * Ownership: a Network owns its matrices; network_free releases them.
 *
 * Training (book 4.5, two_layer_net.py) works on any number of hidden layers:
 * network_init is TwoLayerNet.__init__, network_loss, network_accuracy,
 * network_numerical_gradient and network_gradient are its methods, and a
 * gradient is itself a Network holding dW1, db1, ... (the book's grads dict).
 * Labels t are class indices (the book's one-hot t after argmax, which is all
 * its cross_entropy_error and accuracy look at).
 *
 * Speed: inputs are kept as sparse rows (MNIST pixels are mostly 0), and every
 * product runs in fixed-width column blocks the compiler vectorizes. Each output
 * element is still summed in the plain order 0 + x[0]W[0] + x[1]W[1] + ...
 * (zeros left out), so network_predict gives exactly matrix_dot's digits. The
 * scratch arrays of a pass (the book's a1, z1, ..., dy) live in a NetworkWork
 * made once, so a training loop allocates nothing.
 */
#ifndef DLFS_NETWORK_H
#define DLFS_NETWORK_H

#include <stddef.h>
#include <stdint.h>

#include "numpy/arrays.h"
#include "numpy/matrix.h"
#include "numpy/random.h"

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
/* Reads a weight file (formats/weights.h: the book's pickle or NumPy .npz, told apart by
 * content) and builds the network: weights_load_checked with the checks above on the names
 * and shapes alone, so a file whose shapes don't chain is refused from its headers, before
 * its data are read or inflated; then network_from_arrays. Returns 0, or -1 with err set. */
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

/* ---- training: TwoLayerNet (book 4.5), with a list of hidden layers ------------------ */

/* An input x (N, K) with its zeros left out, row by row (compressed sparse rows): row i's
 * non-zero entries are col[p], val[p] for p in [start[i], start[i+1]), columns ascending.
 * MNIST images are 81% zero pixels, so a product with x costs a fifth of the dense one and
 * drawing a mini-batch copies a fifth of the bytes. Made with sparse_rows_from (any Matrix)
 * or sparse_rows_take; both reuse out's storage, growing it when needed, so start from
 * SparseRows s = { 0 } and release with sparse_rows_free. */
typedef struct {
    size_t rows, cols;
    size_t *start;          /* rows + 1 offsets into col and val */
    uint32_t *col;          /* the column of each non-zero entry */
    double *val;            /* its value */
    size_t rows_cap, nnz_cap;
} SparseRows;

void sparse_rows_from(SparseRows *out, const Matrix *x);           /* out = x */
void sparse_rows_append(SparseRows *out, const Matrix *x);         /* out = out stacked on x */
/* out = x[mask] (n rows, the book's x_train[batch_mask]); out must not be x. */
void sparse_rows_take(SparseRows *out, const SparseRows *x, const size_t *mask, size_t n);
void sparse_rows_free(SparseRows *s);

/* TwoLayerNet(input_size, hidden_size, output_size, weight_init_std): sizes[0] inputs,
 * sizes[1..nsizes-2] hidden, sizes[nsizes-1] outputs (2 <= nsizes <= NETWORK_MAX_LAYERS + 1).
 * W1 = weight_init_std * randn(sizes[0], sizes[1]), b1 = zeros, W2 = ..., drawn from rng in
 * that order: after random_seed(rng, s) the weights are np.random.seed(s)'s to the last bit. */
void network_init(Network *net, const size_t *sizes, size_t nsizes, double weight_init_std,
                  Random *rng);
/* *out = zeros with net's shapes (a gradient's shape); free with network_free. */
void network_zeros_like(Network *out, const Network *net);
/* Total number of parameters (784-50-10: 39760). */
size_t network_param_count(const Network *net);

/* Scratch space for passes over batches of up to `batch` rows with net's shapes: the book's
 * a1, z1, ..., y and the backward pass's arrays. Make one per loop; free with
 * network_work_free. */
typedef struct NetworkWork NetworkWork;
NetworkWork *network_work_new(const Network *net, size_t batch);
void network_work_free(NetworkWork *w);
/* network_predict with scratch space made once (a loop over batches allocates nothing). */
void network_predict_work(const Network *net, const Matrix *x, Matrix *y, NetworkWork *w);

/* loss(x, t) = cross_entropy_error(predict(x), t): x has N <= batch rows, t N labels. */
double network_loss(const Network *net, const SparseRows *x, const size_t *t, NetworkWork *w);
/* accuracy(x, t): the fraction of rows of x (any number) predicted as their label. */
double network_accuracy(const Network *net, const SparseRows *x, const size_t *t);
/* grads = d loss(x, t) / d params by central differences: common/gradient.h's
 * numerical_gradient on every W and b in turn (book 4.5.1). Each parameter is perturbed in
 * place and restored, so net is bit for bit unchanged on return. grads has net's shapes. */
void network_numerical_gradient(Network *grads, Network *net, const SparseRows *x,
                                const size_t *t, NetworkWork *w);
/* The same gradients by backpropagation, as the book's gradient(): forward, then
 * dy = (y - t) / batch_num, dWi = np.dot(z.T, dy) with z the layer's input (x for W1),
 * dbi = np.sum(dy, axis=0), and below each hidden layer dy = sigmoid_grad(a) * np.dot(dy, Wi.T).
 * grads has net's shapes. */
void network_gradient(Network *grads, const Network *net, const SparseRows *x, const size_t *t,
                      NetworkWork *w);
/* params[key] -= lr * grads[key] for every W and b (one step of SGD). */
void network_update(Network *net, const Network *grads, double lr);

#endif
