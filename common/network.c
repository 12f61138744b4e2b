/* network.c - see network.h. */
#include "network.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activation.h"
#include "checked.h"
#include "npz.h"
#include "pickle.h"

int network_from_arrays(Network *net, const ArrayList *arrays, const char *file, char *err)
{
    memset(net, 0, sizeof *net);
    const NamedArray *W[NETWORK_MAX_LAYERS], *b[NETWORK_MAX_LAYERS];
    size_t n = 0;
    char name[24];
    for (;; n++) {
        snprintf(name, sizeof name, "W%zu", n + 1);
        const NamedArray *w = arraylist_find(arrays, name);
        if (!w)
            break;
        if (n == NETWORK_MAX_LAYERS)
            return set_error(err, "%s: more than %d layers", file, NETWORK_MAX_LAYERS);
        W[n] = w;
        snprintf(name, sizeof name, "b%zu", n + 1);
        if (!(b[n] = arraylist_find(arrays, name)))
            return set_error(err, "%s: W%zu has no bias b%zu", file, n + 1, n + 1);
    }
    if (n == 0)
        return set_error(err, "%s: no array named W1 (expected W1, b1, W2, b2, ...)", file);
    if (arrays->count != 2 * n)
        return set_error(err, "%s: expected exactly W1..W%zu and b1..b%zu, found %zu arrays",
                         file, n, n, arrays->count);
    /* Validate every shape before copying anything. */
    for (size_t i = 0; i < n; i++) {
        if (W[i]->ndim != 2 || b[i]->ndim != 1)
            return set_error(err, "%s: W%zu must be 2-D and b%zu 1-D (they are %d-D and %d-D)",
                             file, i + 1, i + 1, W[i]->ndim, b[i]->ndim);
        if (W[i]->shape[0] == 0 || W[i]->shape[1] == 0)
            return set_error(err, "%s: W%zu is empty", file, i + 1);
        if (b[i]->shape[0] != W[i]->shape[1])
            return set_error(err, "%s: shapes don't chain: W%zu is (%zu, %zu) but b%zu is (%zu,)",
                             file, i + 1, W[i]->shape[0], W[i]->shape[1], i + 1, b[i]->shape[0]);
        if (i > 0 && W[i]->shape[0] != W[i - 1]->shape[1])
            return set_error(err,
                             "%s: shapes don't chain: W%zu is (%zu, %zu) but W%zu is (%zu, %zu)",
                             file, i, W[i - 1]->shape[0], W[i - 1]->shape[1], i + 1,
                             W[i]->shape[0], W[i]->shape[1]);
    }
    for (size_t i = 0; i < n; i++) {
        net->W[i] = matrix_from(W[i]->shape[0], W[i]->shape[1], W[i]->data);
        net->b[i] = matrix_from(1, b[i]->shape[0], b[i]->data);
    }
    net->nlayers = n;
    return 0;
}

int network_load(Network *net, const char *path, char *err)
{
    memset(net, 0, sizeof *net);
    FILE *f = fopen(path, "rb");
    if (!f)
        return set_error(err, "%s: cannot open: %s", path, strerror(errno));
    unsigned char magic[2] = { 0, 0 };
    size_t got = fread(magic, 1, 2, f);
    fclose(f);
    ArrayList arrays = { 0, NULL };
    int rc;
    if (got == 2 && magic[0] == 'P' && magic[1] == 'K')
        rc = npz_load(path, &arrays, err);
    else if (got >= 1 && magic[0] == 0x80)
        rc = pickle_load_arrays(path, &arrays, err);
    else
        return set_error(err, "%s: neither a pickle (.pkl) nor a NumPy .npz file", path);
    if (rc == 0)
        rc = network_from_arrays(net, &arrays, path, err);
    arraylist_free(&arrays);
    return rc;
}

void network_to_arrays(const Network *net, ArrayList *out)
{
    *out = (ArrayList){ 0, NULL };
    char name[24];
    for (size_t i = 0; i < net->nlayers; i++) {
        const Matrix *W = &net->W[i], *b = &net->b[i];
        size_t wshape[2] = { W->rows, W->cols }, bshape[1] = { b->cols };
        snprintf(name, sizeof name, "W%zu", i + 1);
        arraylist_add(out, name, 2, wshape, memcpy(xcalloc(matrix_size(W), sizeof(double)),
                                                    W->data, matrix_size(W) * sizeof(double)));
        snprintf(name, sizeof name, "b%zu", i + 1);
        arraylist_add(out, name, 1, bshape, memcpy(xcalloc(b->cols, sizeof(double)), b->data,
                                                    b->cols * sizeof(double)));
    }
}

void network_free(Network *net)
{
    for (size_t i = 0; i < NETWORK_MAX_LAYERS; i++) {
        matrix_free(&net->W[i]);
        matrix_free(&net->b[i]);
    }
    net->nlayers = 0;
}

size_t network_input_size(const Network *net) { return net->W[0].rows; }
size_t network_output_size(const Network *net) { return net->W[net->nlayers - 1].cols; }

void network_predict(const Network *net, const Matrix *x, Matrix *y)
{
    assert(x->cols == network_input_size(net) && "network_predict: x has the wrong width");
    assert(y->rows == x->rows && y->cols == network_output_size(net) && "network_predict: y shape");
    Matrix z = { 0, 0, NULL };          /* the previous layer's output (owned) */
    const Matrix *in = x;
    for (size_t i = 0; i < net->nlayers; i++) {
        const int last = i + 1 == net->nlayers;
        Matrix a = last ? *y : matrix_new(x->rows, net->W[i].cols);
        matrix_dot(&a, in, &net->W[i]);                 /* a = z W + b */
        matrix_add_bias(&a, &net->b[i]);
        if (last)
            softmax(y, &a);                             /* y = softmax(a) */
        else
            matrix_apply(&a, &a, sigmoid);              /* z = sigmoid(a) */
        matrix_free(&z);
        if (!last)
            z = a;
        in = &z;
    }
}

size_t network_count_correct(const Network *net, const Matrix *x, const size_t *t, size_t batch)
{
    assert(batch > 0 && "network_count_correct: batch is 0");
    const size_t out = network_output_size(net);
    Matrix y = matrix_new(batch, out);
    size_t *p = xcalloc(batch, sizeof *p);
    size_t correct = 0;
    for (size_t i = 0; i < x->rows; i += batch) {
        const size_t n = x->rows - i < batch ? x->rows - i : batch;
        const Matrix x_batch = { n, x->cols, x->data + i * x->cols };   /* a view: rows i..i+n */
        y.rows = n;
        network_predict(net, &x_batch, &y);
        matrix_argmax_rows(p, &y);                       /* p = np.argmax(y_batch, axis=1) */
        for (size_t j = 0; j < n; j++)
            correct += p[j] == t[i + j];
    }
    free(p);
    matrix_free(&y);
    return correct;
}
