/* layers.c - the chapter-5 layers of layers.h: Relu, Sigmoid, Affine, SoftmaxWithLoss
 * (the book's common/layers.py, section 5.5 and 5.6).
 *
 * Affine and sparse inputs: a batch of MNIST images is 81% zeros, so when at least 60% of
 * x's entries are 0, forward keeps x as compressed rows (kernels/spgemm.h) and both
 * np.dot(x, W) and np.dot(x.T, dout) skip the zeros. Below that the packed GEMM is faster:
 * a ReLU output about half zeros (SimpleConvNet's Affine1, the hidden layers of chapter 6)
 * went 20-30% faster through it than through the sparse path (measured on one AVX2 core:
 * Affine1's forward and backward in ch07_train_convnet 13.3 -> 9.4 s per epoch; chapter 6's
 * optimizer_compare_mnist 5-9% faster). Each element is still summed in the
 * order of gemm.h's contract (zero terms left out), so for finite W and dout the result is
 * the dense gemm_f64's to the last bit (tests/test_layers.c compares the two paths).
 */
#include "nn/layers.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/gemm.h"
#include "kernels/parallel.h"
#include "kernels/spgemm.h"
#include "nn/functions.h"
#include "nn/layer_util.h"
#include "sys/checked.h"

/* ---- Relu ------------------------------------------------------------------------------ */

typedef struct {
    Layer base;
    unsigned char *mask;    /* self.mask = (x <= 0): 1 (True) or 0, one byte per element */
    size_t size, cap;       /* x.size of the last forward; bytes allocated */
} Relu;

static unsigned char *mask_reserve(Relu *r, size_t size)
{
    if (size > r->cap) {
        free(r->mask);
        r->mask = xmalloc(size);
        r->cap = size;
    }
    r->size = size;
    return r->mask;
}

static void relu_forward(Layer *l, Tensor *out, const Tensor *x, int train)
{
    Relu *r = (Relu *)l;
    (void)train;
    unsigned char *mask = mask_reserve(r, x->size);
    layer_cache_like(out, x);
    const double *in = x->data;
    double *o = out->data;
    const size_t n = x->size;
    PARALLEL_FOR_LARGE(n)
    for (size_t i = 0; i < n; i++) {            /* out = x.copy(); out[self.mask] = 0 */
        const int m = in[i] <= 0.0;
        mask[i] = (unsigned char)m;
        o[i] = m ? 0.0 : in[i];
    }
}

static void relu_backward(Layer *l, Tensor *dx, const Tensor *dout)
{
    Relu *r = (Relu *)l;
    if (!dx)
        return;
    assert(dout->size == r->size && "Relu.backward: dout has another size than x");
    layer_cache_like(dx, dout);
    const unsigned char *mask = r->mask;
    const double *g = dout->data;
    double *d = dx->data;
    const size_t n = dout->size;
    PARALLEL_FOR_LARGE(n)
    for (size_t i = 0; i < n; i++)              /* dout[self.mask] = 0; dx = dout */
        d[i] = mask[i] ? 0.0 : g[i];
}

static void relu_free(Layer *l)
{
    free(((Relu *)l)->mask);
    free(l);
}

static const LayerOps relu_ops = { "Relu", relu_forward, relu_backward, NULL, relu_free };

Layer *relu_new(void) { return layer_alloc(sizeof(Relu), &relu_ops); }

unsigned char *relu_mask_reserve(Layer *relu, size_t size)
{
    assert(relu->ops == &relu_ops && "relu_mask_reserve: not a Relu");
    return mask_reserve((Relu *)relu, size);
}

const unsigned char *relu_mask(const Layer *relu, size_t *size)
{
    assert(relu->ops == &relu_ops && "relu_mask: not a Relu");
    *size = ((const Relu *)relu)->size;
    return ((const Relu *)relu)->mask;
}

/* ---- Sigmoid ----------------------------------------------------------------------------- */

typedef struct {
    Layer base;
    Tensor out;         /* self.out */
} Sigmoid;

static void sigmoid_forward(Layer *l, Tensor *out, const Tensor *x, int train)
{
    Sigmoid *s = (Sigmoid *)l;
    (void)train;
    layer_cache_like(&s->out, x);
    layer_cache_like(out, x);
    for (size_t i = 0; i < x->size; i++)        /* out = sigmoid(x); self.out = out */
        out->data[i] = s->out.data[i] = sigmoid(x->data[i]);
}

static void sigmoid_backward(Layer *l, Tensor *dx, const Tensor *dout)
{
    Sigmoid *s = (Sigmoid *)l;
    if (!dx)
        return;
    assert(dout->size == s->out.size && "Sigmoid.backward: dout has another size than x");
    layer_cache_like(dx, &s->out);
    for (size_t i = 0; i < dout->size; i++) {   /* dx = dout * (1.0 - self.out) * self.out */
        const double y = s->out.data[i];
        dx->data[i] = dout->data[i] * (1.0 - y) * y;
    }
}

static void sigmoid_free(Layer *l)
{
    Sigmoid *s = (Sigmoid *)l;
    tensor_free(&s->out);
    free(s);
}

static const LayerOps sigmoid_ops = { "Sigmoid", sigmoid_forward, sigmoid_backward, NULL,
                                      sigmoid_free };

Layer *sigmoid_new(void) { return layer_alloc(sizeof(Sigmoid), &sigmoid_ops); }

/* ---- Affine ------------------------------------------------------------------------------ */

typedef struct {
    Layer base;
    Tensor *W, *b;          /* self.W (D, M), self.b (M): the network's */
    Tensor dW, db;          /* self.dW, self.db */
    const Tensor *x;        /* self.x: the caller's input, x.reshape(N, -1) seen as (N, D) */
    Tensor x_shape;         /* self.original_x_shape (only its shape is used) */
    Csr xs, xT;             /* x as compressed rows, and x.T, when x is mostly zeros */
    int sparse;             /* forward took the sparse path */
} Affine;

static void affine_forward(Layer *l, Tensor *out, const Tensor *x, int train)
{
    Affine *a = (Affine *)l;
    (void)train;
    const size_t N = x->shape[0], D = N ? x->size / N : 0, M = a->W->shape[1];
    assert(a->W->ndim == 2 && a->W->shape[0] == D && a->b->size == M &&
           "Affine.forward: x.reshape(N, -1) does not fit W (D, M) and b (M)");
    a->x = x;
    a->x_shape = tensor_view(NULL, x->ndim, x->shape);
    tensor_reshape(out, TENSOR_SHAPE2(N, M));
    /* at least 60% zeros: counted first (cheap), the compressed rows made only then */
    a->sparse = count_nonzero(x->data, N * D) * 10 <= N * D * 4;
    if (a->sparse) {                        /* out = np.dot(self.x, self.W) + self.b */
        csr_from_dense(&a->xs, x->data, N, D);
        csr_gemm_f64(&a->xs, a->W->data, M, M, out->data, M, a->b->data);
    } else {
        gemm_f64(GEMM_N, GEMM_N, N, M, D, x->data, D, a->W->data, M, out->data, M, 0);
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < M; j++)
                out->data[i * M + j] += a->b->data[j];
    }
}

static void affine_backward(Layer *l, Tensor *dx, const Tensor *dout)
{
    Affine *a = (Affine *)l;
    const size_t N = a->x_shape.shape[0], D = a->W->shape[0], M = a->W->shape[1];
    assert(a->x && dout->ndim == 2 && dout->shape[0] == N && dout->shape[1] == M &&
           "Affine.backward: dout is not (N, M), or no forward before");
    if (dx) {                               /* dx = np.dot(dout, self.W.T), x's shape */
        tensor_reshape(dx, a->x_shape.ndim, a->x_shape.shape);
        gemm_f64(GEMM_N, GEMM_T, N, D, M, dout->data, M, a->W->data, M, dx->data, D, 0);
    }
    tensor_reshape(&a->dW, TENSOR_SHAPE2(D, M));   /* self.dW = np.dot(self.x.T, dout) */
    if (a->sparse) {
        csr_transpose(&a->xT, &a->xs);
        csr_gemm_f64(&a->xT, dout->data, M, M, a->dW.data, M, NULL);
    } else
        gemm_f64(GEMM_T, GEMM_N, D, M, N, a->x->data, D, dout->data, M, a->dW.data, M, 0);
    tensor_reshape(&a->db, 1, (size_t[]){ M });     /* self.db = np.sum(dout, axis=0) */
    sum_axis0(a->db.data, dout->data, N, M);
}

static size_t affine_params(Layer *l, Param *out)
{
    Affine *a = (Affine *)l;
    out[0] = layer_param(a->W, &a->dW);
    out[1] = layer_param(a->b, &a->db);
    return 2;
}

static void affine_free(Layer *l)
{
    Affine *a = (Affine *)l;
    tensor_free(&a->dW);
    tensor_free(&a->db);
    csr_free(&a->xs);
    csr_free(&a->xT);
    free(a);
}

static const LayerOps affine_ops = { "Affine", affine_forward, affine_backward, affine_params,
                                     affine_free };

Layer *affine_new(Tensor *W, Tensor *b)
{
    assert(W->ndim == 2 && b->size == W->shape[1] && "affine_new: W is not (D, M) or b not (M)");
    Affine *a = layer_alloc(sizeof *a, &affine_ops);
    a->W = W, a->b = b;
    a->dW = tensor_new(W->ndim, W->shape);     /* zeros until the first backward */
    a->db = tensor_new(b->ndim, b->shape);
    return &a->base;
}

const Tensor *affine_dW(const Layer *affine)
{
    assert(affine->ops == &affine_ops && "affine_dW: not an Affine");
    return &((const Affine *)affine)->dW;
}

const Tensor *affine_db(const Layer *affine)
{
    assert(affine->ops == &affine_ops && "affine_db: not an Affine");
    return &((const Affine *)affine)->db;
}

/* ---- SoftmaxWithLoss ----------------------------------------------------------------- */

struct SoftmaxWithLoss {
    Tensor y;               /* self.y = softmax(x) (N, C) */
    Tensor x_shape;         /* x's shape, for dx (only the shape is used) */
    Tensor t;               /* self.t one-hot (N, C), when given so */
    size_t *index;          /* self.t as class indices, when given so */
    size_t index_cap;
    int onehot;
};

SoftmaxWithLoss *softmax_with_loss_new(void) { return xcalloc(1, sizeof(SoftmaxWithLoss)); }

double softmax_with_loss_forward(SoftmaxWithLoss *l, const Tensor *x, Labels t)
{
    assert((t.index != NULL) != (t.onehot != NULL) && "SoftmaxWithLoss: give one kind of labels");
    const size_t N = x->shape[0], C = N ? x->size / N : 0;
    assert(N > 0 && "SoftmaxWithLoss.forward: empty batch");
    tensor_reshape(&l->y, TENSOR_SHAPE2(N, C));
    l->x_shape = tensor_view(NULL, x->ndim, x->shape);
    const Matrix xm = tensor_as_matrix(x);
    Matrix ym = tensor_as_matrix(&l->y);
    softmax(&ym, &xm);                                  /* self.y = softmax(x) */
    l->onehot = t.onehot != NULL;                       /* self.t = t */
    if (l->onehot) {
        assert(t.onehot->size == N * C && "SoftmaxWithLoss: one-hot t is not x's shape");
        tensor_copy(&l->t, t.onehot);
        tensor_reshape(&l->t, TENSOR_SHAPE2(N, C));
        const Matrix tm = tensor_as_matrix(&l->t);
        return cross_entropy_error(&ym, &tm);           /* self.loss = cross_entropy_error(...) */
    }
    if (N > l->index_cap) {
        free(l->index);
        l->index = xcalloc(N, sizeof *l->index);
        l->index_cap = N;
    }
    for (size_t i = 0; i < N; i++) {
        assert(t.index[i] < C && "SoftmaxWithLoss: a label is not a class");
        l->index[i] = t.index[i];
    }
    return cross_entropy_error_labels(&ym, l->index);
}

void softmax_with_loss_backward(SoftmaxWithLoss *l, Tensor *dx)
{
    const size_t N = l->y.shape[0], C = l->y.shape[1];
    assert(N > 0 && "SoftmaxWithLoss.backward: no forward before");
    tensor_reshape(dx, l->x_shape.ndim, l->x_shape.shape);
    const double batch_size = (double)N;            /* batch_size = self.t.shape[0] */
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < C; j++) {
            /* one-hot: (self.y - self.t) / batch_size; indices: dx[i, t_i] -= 1, then / N
             * (y - 0.0 is y, so both give the same bits for the same labels) */
            const double t = l->onehot ? l->t.data[i * C + j] : (j == l->index[i] ? 1.0 : 0.0);
            dx->data[i * C + j] = (l->y.data[i * C + j] - t) / batch_size;
        }
}

const Tensor *softmax_with_loss_y(const SoftmaxWithLoss *l) { return &l->y; }

void softmax_with_loss_free(SoftmaxWithLoss *l)
{
    if (!l)
        return;
    tensor_free(&l->y);
    tensor_free(&l->t);
    free(l->index);
    free(l);
}
