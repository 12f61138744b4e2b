/* test_trainer.c - the book's common/trainer.py and MultiLayerNetExtend (book 6.1-6.5) on a
 * small seeded slice of MNIST.
 *
 * The expected lines are what NumPy 1.24 prints running the book's classes after
 * np.random.seed(3): MultiLayerNetExtend(784, [30, 20], 10, weight_init_std='he',
 * weight_decay_lambda=0.01, use_dropout=True, dropout_ration=0.2, use_batchnorm=True) and
 * Trainer(net, x_train[:200], t_train[:200], x_test[:100], t_test[:100], epochs=2,
 * mini_batch_size=64, optimizer='adam', optimizer_param={'lr': 0.01},
 * evaluate_sample_num_per_epoch=150). That is every piece at once: He's weights, Batch
 * Normalization, Dropout masks from the same stream as the batches, weight decay, Adam, and
 * the book's float iter_per_epoch (200 / 64 = 3.125: six steps, one evaluation, at step 0).
 * Accuracies are counts and must match exactly; the losses to 1e-13 relative (NumPy's BLAS
 * sums the matrix products in another order: the printed losses agree to 15 digits).
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/mnist_tensor.h"
#include "nn/multi_layer_net.h"
#include "nn/multi_layer_net_extend.h"
#include "nn/trainer.h"
#include "numpy/npprint.h"
#include "numpy/random.h"

#define MNIST_DIR DLFS_SOURCE_DIR "/data/mnist"

static void need_mnist(void)
{
    if (access(MNIST_DIR "/train-images-idx3-ubyte.gz", R_OK) != 0 &&
        access(MNIST_DIR "/train-images-idx3-ubyte", R_OK) != 0)
        cr_skip_test("MNIST is not in %s (make data)", MNIST_DIR);
}

static const double BOOK_LOSSES[6] = { 9.33162731085684, 4.67115741054447, 3.745838180915427,
                                       2.676349789643189, 2.019052732352405, 1.8051653315345577 };

static void run_book_slice(Trainer *tr, Random *rng, Tensor *x_train, size_t **t_train,
                           Tensor *x_test, size_t **t_test, Net **net, int verbose)
{
    char err[ERR_LEN];
    cr_assert_eq(load_mnist_tensor(MNIST_DIR, MNIST_TRAIN, 0, 200, x_train, t_train, err), 0,
                 "%s", err);
    cr_assert_eq(load_mnist_tensor(MNIST_DIR, MNIST_TEST, 0, 100, x_test, t_test, err), 0,
                 "%s", err);
    random_seed(rng, 3);
    const size_t hidden[] = { 30, 20 };
    const MultiLayerNetConfig cfg = {
        .input_size = 784, .hidden_size_list = hidden, .hidden_layer_num = 2, .output_size = 10,
        .activation = "relu", .weight_init = "he", .weight_decay_lambda = 0.01,
        .use_dropout = 1, .dropout_ration = 0.2, .use_batchnorm = 1, .rng = rng,
    };
    *net = multi_layer_net_extend_new(&cfg, err);
    cr_assert_not_null(*net, "%s", err);
    TrainerConfig tc = {
        .network = *net, .x_train = x_train, .x_test = x_test, .t_train = *t_train,
        .t_test = *t_test, .epochs = 2, .mini_batch_size = 64, .optimizer = "adam",
        .evaluate_sample_num_per_epoch = 150, .verbose = verbose, .rng = rng,
    };
    cr_assert_eq(optimizer_defaults("adam", &tc.optimizer_param), 0);
    tc.optimizer_param.lr = 0.01;
    cr_assert_eq(trainer_init(tr, &tc, err), 0, "%s", err);
    trainer_train(tr);
}

Test(ch06_trainer, seeded_slice_matches_numpy)
{
    need_mnist();
    Trainer tr;
    Random rng;
    Tensor x_train, x_test;
    size_t *t_train, *t_test;
    Net *net;
    run_book_slice(&tr, &rng, &x_train, &t_train, &x_test, &t_test, &net, 0);
    cr_expect_eq(tr.max_iter, 6, "int(2 * 3.125)");
    cr_assert_eq(tr.n_loss, 6);
    for (size_t i = 0; i < 6; i++)
        cr_expect(fabs(tr.train_loss_list[i] - BOOK_LOSSES[i]) <= 1e-13 * BOOK_LOSSES[i],
                  "loss %zu: %.17g, NumPy %.17g", i, tr.train_loss_list[i], BOOK_LOSSES[i]);
    cr_assert_eq(tr.n_acc, 1, "one evaluation: 3.125 divides none of 1..5");
    cr_expect_eq(tr.train_acc_list[0], 22.0 / 150, "train acc on x_train[:150]");
    cr_expect_eq(tr.test_acc_list[0], 5.0 / 100, "test acc on all 100 (150 > 100)");
    cr_expect_eq(tr.final_test_acc, 0.35);
    trainer_free(&tr);
    net_free(net);
    tensor_free(&x_train), tensor_free(&x_test);
    free(t_train), free(t_test);
}

/* verbose: the book's lines, each float as Python's str() */
Test(ch06_trainer, verbose_prints_books_lines, .init = cr_redirect_stdout)
{
    need_mnist();
    Trainer tr;
    Random rng;
    Tensor x_train, x_test;
    size_t *t_train, *t_test;
    Net *net;
    run_book_slice(&tr, &rng, &x_train, &t_train, &x_test, &t_test, &net, 1);
    fflush(stdout);
    char expect[2048], repr[32];
    size_t n = 0;
    for (size_t i = 0; i < 6; i++) {
        n += (size_t)snprintf(expect + n, sizeof expect - n, "train loss:%s\n",
                              py_float_repr(tr.train_loss_list[i], repr));
        if (i == 0)
            n += (size_t)snprintf(expect + n, sizeof expect - n,
                                  "=== epoch:1, train acc:0.14666666666666667, test acc:0.05 ===\n");
    }
    snprintf(expect + n, sizeof expect - n,
             "=============== Final Test Accuracy ===============\ntest acc:0.35\n");
    cr_expect_stdout_eq_str(expect);
    trainer_free(&tr);
    net_free(net);
    tensor_free(&x_train), tensor_free(&x_test);
    free(t_train), free(t_test);
}

Test(ch06_trainer, unknown_optimizer_is_an_error)
{
    Tensor x = tensor_new(TENSOR_SHAPE2(2, 3));
    size_t t[2] = { 0, 1 };
    Net *net = net_new();
    Trainer tr;
    TrainerConfig tc = { .network = net, .x_train = &x, .x_test = &x, .t_train = t, .t_test = t,
                         .epochs = 1, .mini_batch_size = 1, .optimizer = "adadelta" };
    char err[ERR_LEN];
    cr_expect_eq(trainer_init(&tr, &tc, err), -1);
    cr_expect_not_null(strstr(err, "unknown optimizer 'adadelta'"), "%s", err);
    net_free(net);
    tensor_free(&x);
}

/* MultiLayerNet: the book's parameter names and shapes, He's scale, bad names refused */
Test(ch06_multi_layer_net, parameters_as_the_book)
{
    Random rng, ref;
    random_seed(&rng, 0);
    random_seed(&ref, 0);
    const size_t hidden[] = { 5, 4 };
    MultiLayerNetConfig cfg = { .input_size = 6, .hidden_size_list = hidden,
                                .hidden_layer_num = 2, .output_size = 3, .weight_init = "He",
                                .use_batchnorm = 1, .rng = &rng };
    char err[ERR_LEN];
    Net *net = multi_layer_net_extend_new(&cfg, err);
    cr_assert_not_null(net, "%s", err);
    const char *names[] = { "W1", "b1", "W2", "b2", "W3", "b3", "gamma1", "beta1", "gamma2",
                            "beta2" };
    cr_assert_eq(net_param_count(net), 10);
    for (size_t i = 0; i < 10; i++)
        cr_expect_str_eq(net_params(net)[i].name, names[i]);
    const Tensor *W1 = net_find_param(net, "W1")->value;
    cr_expect(W1->shape[0] == 6 && W1->shape[1] == 5);
    double first;
    random_randn_fill(&ref, &first, 1);
    cr_expect_eq(W1->data[0], sqrt(2.0 / 6) * first, "np.sqrt(2.0 / 6) * randn");
    cr_expect_eq(net_find_param(net, "gamma2")->value->data[3], 1.0);
    net_free(net);

    cfg.use_batchnorm = 0;
    net = multi_layer_net_new(&cfg, err);               /* MultiLayerNet: no gamma, beta */
    cr_expect_eq(net_param_count(net), 6);
    net_free(net);
    cfg.weight_init = "glorot";
    cr_expect_null(multi_layer_net_new(&cfg, err));
    cr_expect_not_null(strstr(err, "'glorot'"), "%s", err);
    cfg.weight_init = NULL;
    cfg.activation = "tanh";
    cr_expect_null(multi_layer_net_new(&cfg, err));
    cr_expect_not_null(strstr(err, "'tanh'"), "%s", err);
}
