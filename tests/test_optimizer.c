/* test_optimizer.c - the book's common/optimizer.py (book 6.1): SGD, Momentum, Nesterov,
 * AdaGrad, RMSprop, Adam.
 *
 * Each optimizer takes two steps on params {W: [1, -2, 0.5], b: [0.25]} with the grads
 * {W: [0.5, -1, 2], b: [0.1]} then {W: [-0.3, 0.2, 1.5], b: [-0.4]}, at the book's
 * defaults. The first steps are worked by hand in the comments; the expected values are
 * the repr()s NumPy 1.24 prints running the book's classes on the same numbers, and the C
 * update must give the same doubles (same operations, same order, no FMA).
 */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "nn/optimizer.h"
#include "numpy/tensor.h"

typedef struct {
    Tensor W, b, dW, db;
    Param params[2];
} Toy;

static void toy_init(Toy *t)
{
    t->W = tensor_new(1, (size_t[]){ 3 });
    t->b = tensor_new(1, (size_t[]){ 1 });
    t->dW = tensor_new(1, (size_t[]){ 3 });
    t->db = tensor_new(1, (size_t[]){ 1 });
    memcpy(t->W.data, (double[]){ 1.0, -2.0, 0.5 }, 3 * sizeof(double));
    t->b.data[0] = 0.25;
    t->params[0] = (Param){ "W", &t->W, &t->dW };
    t->params[1] = (Param){ "b", &t->b, &t->db };
}

static void toy_grads(Toy *t, int step)
{
    static const double dW[2][3] = { { 0.5, -1.0, 2.0 }, { -0.3, 0.2, 1.5 } };
    static const double db[2] = { 0.1, -0.4 };
    memcpy(t->dW.data, dW[step], sizeof dW[step]);
    t->db.data[0] = db[step];
}

static void toy_free(Toy *t)
{
    tensor_free(&t->W);
    tensor_free(&t->b);
    tensor_free(&t->dW);
    tensor_free(&t->db);
}

/* Two steps of optimizer `name` at its defaults; expect[step] = W[0..2], b[0]. */
static void check_steps(const char *name, const double expect[2][4])
{
    OptimizerParams p;
    cr_assert_eq(optimizer_defaults(name, &p), 0);
    Optimizer *opt = optimizer_new(name, &p);
    cr_assert_not_null(opt);
    Toy t;
    toy_init(&t);
    for (int step = 0; step < 2; step++) {
        toy_grads(&t, step);
        optimizer_update(opt, t.params, 2);
        const double got[4] = { t.W.data[0], t.W.data[1], t.W.data[2], t.b.data[0] };
        for (int k = 0; k < 4; k++)
            cr_expect_eq(got[k], expect[step][k], "%s step %d value %d: %.17g, NumPy %.17g",
                         name, step + 1, k, got[k], expect[step][k]);
    }
    optimizer_free(opt);
    toy_free(&t);
}

/* W[0] = 1 - 0.01 * 0.5 = 0.995; b = 0.25 - 0.01 * 0.1 = 0.249 */
Test(ch06_optimizer, sgd_matches_numpy)
{
    const double e[2][4] = { { 0.995, -1.99, 0.48, 0.249 },
                             { 0.998, -1.992, 0.46499999999999997, 0.253 } };
    check_steps("SGD", e);
}

/* step 1: v = 0.9 * 0 - 0.01 * 0.5 = -0.005, W[0] = 0.995 (SGD's: v starts at zeros);
 * step 2: v = 0.9 * -0.005 + 0.003 = -0.0015, W[0] = 0.9935 */
Test(ch06_optimizer, momentum_matches_numpy)
{
    const double e[2][4] = { { 0.995, -1.99, 0.48, 0.249 },
                             { 0.9935, -1.983, 0.44699999999999995, 0.2521 } };
    check_steps("Momentum", e);
}

/* step 1: W[0] = 1 + 0.81 * 0 - 1.9 * 0.01 * 0.5 = 0.9905 */
Test(ch06_optimizer, nesterov_matches_numpy)
{
    const double e[2][4] = { { 0.9905, -1.981, 0.462, 0.2481 },
                             { 0.9921500000000001, -1.9767000000000001, 0.4173, 0.25489 } };
    check_steps("Nesterov", e);
}

/* step 1: h = 0.25, W[0] = 1 - 0.005 / (0.5 + 1e-7) = 0.990000002 (to 10 digits) */
Test(ch06_optimizer, adagrad_matches_numpy)
{
    const double e[2][4] = {
        { 0.9900000019999996, -1.9900000009999999, 0.4900000005, 0.24000000999999 },
        { 0.9951449586719221, -1.991961162159074, 0.48400000074, 0.2497014326485027 } };
    check_steps("AdaGrad", e);
}

/* step 1: h = 0.01 * 0.25 = 0.0025, W[0] = 1 - 0.005 / (0.05 + 1e-7) = 0.9000002 */
Test(ch06_optimizer, rmsprop_matches_numpy)
{
    const double e[2][4] = {
        { 0.9000001999996, -1.9000000999999, 0.40000004999997507, 0.15000099999000016 },
        { 0.9516398890602963, -1.9197066661457294, 0.3398071476116702, 0.2470435607699707 } };
    check_steps("RMSprop", e);
}

/* step 1: lr_t = 0.001 * sqrt(0.001) / 0.1, m = 0.05, v = 0.00025, so the step is
 * lr_t * 0.05 / (sqrt(0.00025) + 1e-7) = 0.001 * (1 - 6.3e-6): W[0] = 0.99900000632 */
Test(ch06_optimizer, adam_matches_numpy)
{
    const double e[2][4] = {
        { 0.9990000063245154, -1.9990000031622677, 0.49900000158113633, 0.24900003162177664 },
        { 0.9988085093282083, -1.9984889786704665, 0.49801742774294433, 0.2495595308245253 } };
    check_steps("Adam", e);
}

Test(ch06_optimizer, defaults_and_names_are_the_books)
{
    OptimizerParams p;
    cr_assert_eq(optimizer_defaults("SGD", &p), 0);
    cr_expect_eq(p.lr, 0.01);
    cr_assert_eq(optimizer_defaults("momentum", &p), 0);   /* Trainer's dict: lower case */
    cr_expect(p.lr == 0.01 && p.momentum == 0.9);
    cr_assert_eq(optimizer_defaults("nesterov", &p), 0);
    cr_expect(p.lr == 0.01 && p.momentum == 0.9);
    cr_assert_eq(optimizer_defaults("adagrad", &p), 0);
    cr_expect_eq(p.lr, 0.01);
    cr_assert_eq(optimizer_defaults("rmsprop", &p), 0);
    cr_expect(p.lr == 0.01 && p.decay_rate == 0.99);
    cr_assert_eq(optimizer_defaults("ADAM", &p), 0);
    cr_expect(p.lr == 0.001 && p.beta1 == 0.9 && p.beta2 == 0.999);
    cr_expect_eq(optimizer_defaults("adadelta", &p), -1);
    cr_expect_null(optimizer_new("adadelta", &p));
    cr_expect_null(optimizer_new(NULL, NULL));
    const char *names[] = { "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam" };
    for (size_t i = 0; i < 6; i++) {
        Optimizer *o = optimizer_new(names[i], NULL);       /* NULL: the defaults */
        cr_assert_not_null(o);
        cr_expect_str_eq(optimizer_name(o), names[i]);
        optimizer_free(o);
    }
}

/* The state is made lazily on the first update as zeros (the book's `if self.v is None`),
 * and it is per parameter: a second optimizer started later begins from zeros again, so
 * its first step is not the first optimizer's second step. */
Test(ch06_optimizer, state_is_made_on_first_update)
{
    Optimizer *a = optimizer_new("Momentum", NULL), *b = optimizer_new("Momentum", NULL);
    Toy t, u;
    toy_init(&t);
    toy_init(&u);
    toy_grads(&t, 0);
    optimizer_update(a, t.params, 2);
    toy_grads(&t, 1);
    optimizer_update(a, t.params, 2);
    /* b sees only the second gradient, from the same starting point as a's first step */
    toy_grads(&u, 0);
    Optimizer *sgd = optimizer_new("SGD", NULL);
    optimizer_update(sgd, u.params, 2);
    toy_grads(&u, 1);
    optimizer_update(b, u.params, 2);
    cr_expect_eq(u.W.data[0], 0.995 + 0.003);   /* 0.998: an SGD step, v started at zero */
    cr_expect_neq(u.W.data[0], t.W.data[0]);   /* a's second step carried its velocity */
    optimizer_free(a);
    optimizer_free(b);
    optimizer_free(sgd);
    toy_free(&t);
    toy_free(&u);
}

/* A zero hyperparameter is honoured, not replaced by the default: SGD(lr=0) keeps W. */
Test(ch06_optimizer, given_params_are_used)
{
    OptimizerParams p;
    optimizer_defaults("Adam", &p);
    p.lr = 0.0;
    Optimizer *o = optimizer_new("Adam", &p);
    Toy t;
    toy_init(&t);
    toy_grads(&t, 0);
    optimizer_update(o, t.params, 2);
    cr_expect_eq(t.W.data[0], 1.0);
    cr_expect_eq(t.b.data[0], 0.25);
    optimizer_free(o);
    toy_free(&t);
}
