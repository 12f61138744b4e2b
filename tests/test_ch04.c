/* test_ch04.c - the chapter 4 programs ch04_gradients and ch04_simple_net (book 4.2-4.4.2).
 *
 * Each program's stdout is compared with tests/golden/<name>.out, and every number the book
 * prints is asserted on its own, digit for digit where the program computes exactly what the
 * book's code computes. Reference values not in the book (the seeded mini-batch, --seed runs)
 * were printed by NumPy 1.24.2 running the book's code (/usr/bin/python3) and pinned here.
 * ch04_gradients reads MNIST from <project>/data/mnist, else ../shared/data/mnist; without
 * either its tests skip with a message.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nn/functions.h"
#include "numpy/matrix.h"
#include "numpy/random.h"
#include "run.h"

/* ---- helpers ------------------------------------------------------------------------ */

/* The MNIST directory to pass with --data (static storage), or NULL when there is none. */
static const char *mnist_dir(void)
{
    static const char *dirs[] = { DLFS_SOURCE_DIR "/data/mnist",
                                  DLFS_SOURCE_DIR "/../shared/data/mnist" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.gz", dirs[i]);
        if (access(path, R_OK) == 0)
            return dirs[i];
    }
    return NULL;
}

static const char *mnist_dir_or_skip(void)
{
    const char *dir = mnist_dir();
    if (!dir)
        cr_skip_test("no MNIST training set in data/mnist or ../shared/data/mnist (make data)");
    return dir;
}

/* The text right after the line that starts with `line_start`; fails the test if absent. */
static const char *after_line_start(const char *out, const char *line_start)
{
    const size_t n = strlen(line_start);
    for (const char *p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, line_start, n) == 0)
            return p + n;
    cr_assert_fail("no line starting with \"%s\" in:\n%s", line_start, out);
    return NULL;
}

/* Reads n numbers from s, skipping NumPy's brackets and whitespace. */
static void parse_numbers(const char *s, double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        s += strspn(s, "[] \n");
        char *end;
        v[i] = strtod(s, &end);
        cr_assert(end != s, "number %zu of %zu missing at: %.40s", i + 1, n, s);
        s = end;
    }
}

/* ---- ch04_gradients ----------------------------------------------------------------- */

Test(ch04_gradients, prints_book_output)
{
    char args[2048];
    snprintf(args, sizeof args, "--out %%s --data '%s'", mnist_dir_or_skip());
    expect_golden("ch04_gradients", args);
}

/* Every number the book prints in 4.2-4.4.1, as a whole line of our output. np.float64
 * scalars (the losses) show 17 significant digits as the book's NumPy printed them; Python
 * floats (numerical_diff) show Python's shortest repr; arrays print as NumPy 1.24's print()
 * (the book's older NumPy wrote [ 6.  8.] where 1.24 writes [6. 8.]). All are exact: the C
 * code does the book's operations in the book's order. (NumPy 1.24 on an AVX-512 CPU prints
 * 2.3025840929945454 for the second cross entropy: its vectorized log is 1 ulp off; the book
 * and the C library give ...458, see common/nn/functions.h.) */
Test(ch04_gradients, every_book_number_digit_for_digit)
{
    const char *data = mnist_dir_or_skip();
    char *dir = make_temp_dir(), args[2048];
    snprintf(args, sizeof args, "--out '%s' --data '%s'", dir, data);
    char *out = run_ok("ch04_gradients", args);
    static const char *lines[] = {
        /* 4.2.1 */
        "sum_squared_error(np.array(y), np.array(t)) = 0.097500000000000031\n",
        "sum_squared_error(np.array(y), np.array(t)) = 0.59750000000000003\n",
        /* 4.2.2 */
        "cross_entropy_error(np.array(y), np.array(t)) = 0.51082545709933802\n",
        "cross_entropy_error(np.array(y), np.array(t)) = 2.3025840929945458\n",
        /* 4.2.3 */
        "x_train.shape = (60000, 784)\n",
        "t_train.shape = (60000, 10)\n",
        /* 4.3.1 */
        "np.float32(1e-50) = 0.0\n",
        /* 4.3.2 */
        "numerical_diff(function_1, 5) = 0.1999999999990898\n",
        "numerical_diff(function_1, 10) = 0.2999999999986347\n",
        /* 4.3.3 */
        "numerical_diff(function_tmp1, 3.0) = 6.00000000000378\n",
        "numerical_diff(function_tmp2, 4.0) = 7.999999999999119\n",
        /* 4.4 */
        "numerical_gradient(function_2, np.array([3.0, 4.0])) = [6. 8.]\n",
        "numerical_gradient(function_2, np.array([0.0, 2.0])) = [0. 4.]\n",
        "numerical_gradient(function_2, np.array([3.0, 0.0])) = [6. 0.]\n",
        /* 4.4.1 */
        "gradient_descent(function_2, init_x, lr=0.1, step_num=100) = [-6.11110793e-10  8.14814391e-10]\n",
        "gradient_descent(function_2, init_x, lr=10.0, step_num=100) = [-2.58983747e+13 -1.29524862e+12]\n",
        "gradient_descent(function_2, init_x, lr=1e-10, step_num=100) = [-2.99999994  3.99999992]\n",
    };
    const char *p = out;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        const char *q = strstr(p, lines[i]);
        cr_expect(q, "missing (or out of the book's order): %s", lines[i]);
        if (q)
            p = q + strlen(lines[i]);
    }
    free(out);
    remove_temp_dir(dir);
}

/* 4.3.1 beyond the book's printout: the bad forward difference with h = 10e-50 gives 0.0
 * (5 + 10e-50 == 5), h = 1e-4 forward gives 0.20000099999917254, central 0.1999999999990898
 * (Python's values): the central difference is a million times closer to the true 0.2. */
Test(ch04_gradients, rounding_pitfall_and_central_difference)
{
    const char *data = mnist_dir_or_skip();
    char *dir = make_temp_dir(), args[2048];
    snprintf(args, sizeof args, "--out '%s' --data '%s'", dir, data);
    char *out = run_ok("ch04_gradients", args);
    double forward, central, bad;
    parse_numbers(after_line_start(out, "(function_1(5 + 10e-50) - function_1(5)) / 10e-50 = "),
                  &bad, 1);
    parse_numbers(after_line_start(out, "(function_1(5 + 1e-4) - function_1(5)) / 1e-4 = "),
                  &forward, 1);
    parse_numbers(after_line_start(out, "(function_1(5 + 1e-4) - function_1(5 - 1e-4)) / (2 * 1e-4) = "),
                  &central, 1);
    cr_expect(bad == 0.0, "got %.17g", bad);
    cr_expect(forward == 0.20000099999917254, "got %.17g", forward);
    cr_expect(central == 0.1999999999990898, "got %.17g", central);
    cr_expect_gt(fabs(forward - 0.2), 1e6 * fabs(central - 0.2));
    cr_expect(strstr(out, "# the true derivative is 0.2: the forward difference is off by 1.0e-06, "
                          "the central one by 9.1e-13\n"), "%s", out);
    free(out);
    remove_temp_dir(dir);
}

/* np.random.seed(s); batch_mask = np.random.choice(60000, 10); W = 0.01 * np.random.randn(784, 10);
 * y = softmax(np.dot(x_train[batch_mask], W)): values printed by NumPy 1.24.2. The loss can
 * differ from NumPy's in the last digit or two (np.dot sums in BLAS order, ours row by row):
 * a relative 1e-14 allows 45 ulps. */
Test(ch04_gradients, mini_batch_matches_numpy_for_seeds_0_and_42)
{
    const char *dir = mnist_dir_or_skip();
    static const struct {
        const char *seed, *mask, *labels;
        double loss;
    } cases[] = {
        { "0", "[ 2732 43567 42613 52416 45891 21243 30403 32103 41993 57043]",
          "[4 1 7 1 8 7 5 8 4 4]", 2.3321207011311618 },
        { "42", "[56422 15795   860 38158 54343 44732 11284 54886  6265 16850]",
          "[4 0 0 8 3 6 3 1 6 4]", 2.3198099568001855 },
    };
    char *tmp = make_temp_dir();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char args[2048], line[256];
        snprintf(args, sizeof args, "--seed %s --out '%s' --data '%s'", cases[i].seed, tmp, dir);
        char *out = run_ok("ch04_gradients", args);
        snprintf(line, sizeof line, "batch_mask = np.random.choice(60000, 10) = %s\n", cases[i].mask);
        cr_expect(strstr(out, line), "seed %s: expected %s", cases[i].seed, line);
        snprintf(line, sizeof line, "t_batch.argmax(axis=1) = %s\n", cases[i].labels);
        cr_expect(strstr(out, line), "seed %s: expected %s", cases[i].seed, line);
        double one_hot, labels;
        parse_numbers(after_line_start(out, "cross_entropy_error(y, t_batch) = "), &one_hot, 1);
        parse_numbers(after_line_start(out, "cross_entropy_error(y, t_batch.argmax(axis=1)) = "),
                      &labels, 1);
        cr_expect(one_hot == labels, "one-hot %.17g and labels %.17g differ", one_hot, labels);
        cr_expect_leq(fabs(one_hot - cases[i].loss), 1e-14 * cases[i].loss,
                      "seed %s: loss %.17g, NumPy %.17g", cases[i].seed, one_hot, cases[i].loss);
        free(out);
    }
    remove_temp_dir(tmp);
}

Test(ch04_gradients, writes_figure_data)
{
    const char *data = mnist_dir_or_skip();
    char *dir = make_temp_dir(), args[2048];
    snprintf(args, sizeof args, "--out '%s/figs' --data '%s'", dir, data);
    free(run_ok("ch04_gradients", args));
    static const struct {
        const char *file;
        int points;
        const char *lines[3];
    } files[] = {
        /* np.arange(0.0, 20.0, 0.1); the tangent at 5 touches f there (f(5) = 0.75) */
        { "ch04_function_1.dat", 200,
          { "\n0 0 -0.24999999999544897 -0.99999999998634692\n",
            "\n5 0.75 0.75 0.50000000000682654\n", NULL } },
        /* meshgrid of np.arange(-2, 2.5, 0.25), 18 x 18, x0 fastest; -grad at the corner and origin */
        { "ch04_gradient_field.dat", 18 * 18,
          { "\n-2 -2 3.9999999999995595 3.9999999999995595\n",
            "\n-1.75 -2 3.5000000000007248 4.0000000000040004\n", "\n0 0 -0 -0\n" } },
        /* x_history: x before each of the 20 steps, as gradient_method.py records it */
        { "ch04_gradient_descent.dat", 20,
          { "\n-3 4\n-2.399999999999622 3.2000000000000881\n",
            "\n-0.043234556422720838 0.057646075230234024\n", NULL } },
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/figs/%s", dir, files[i].file);
        char *text = read_text_file(path);
        cr_assert(text, "no data file %s", path);
        cr_expect_eq(count_lines(text), 3 + files[i].points, "%s", files[i].file);
        cr_expect(strstr(text, "# written by ch04_gradients (dlfs-c)\n"), "%s header", files[i].file);
        for (size_t j = 0; j < 3 && files[i].lines[j]; j++)
            cr_expect(strstr(text, files[i].lines[j]), "%s lacks %s", files[i].file,
                      files[i].lines[j]);
        free(text);
    }
    remove_temp_dir(dir);
}

Test(ch04_gradients, missing_mnist_is_a_one_line_error)
{
    char *dir = make_temp_dir(), args[512];
    snprintf(args, sizeof args, "--out %s --data /nonexistent/mnist", dir);
    RunResult r = run_program("ch04_gradients", args);
    cr_expect_eq(r.status, 1, "exited %d", r.status);
    cr_expect(strstr(r.err, "/nonexistent/mnist/train-"), "names the file: %s",
              r.err);
    cr_expect(strstr(r.err, "make data"), "gives a hint: %s", r.err);
    cr_expect_eq(count_lines(r.err), 1, "one line: %s", r.err);
    run_result_free(&r);
    remove_temp_dir(dir);
}

/* ---- ch04_simple_net ---------------------------------------------------------------- */

/* The book's printout (4.4.2), from a run with the W it printed. */
static const double book_loss = 0.92806853663411326;
static const double book_dW[6] = { 0.21924763, 0.14356247, -0.36281009,
                                   0.32887144, 0.2153437, -0.54421514 };

Test(ch04_simple_net, prints_book_output) { expect_golden("ch04_simple_net", ""); }

/* W, p and argmax as the book prints them (p is the same to all 8 printed decimals: W's
 * rounding moves it by at most 1.5 * 5e-9, and here it does not change a printed digit). */
Test(ch04_simple_net, W_predict_and_argmax_match_book)
{
    char *out = run_ok("ch04_simple_net", "");
    cr_expect(strstr(out, "print(net.W)\n[[0.47355232 0.9977393  0.84668094]\n"
                          " [0.85557411 0.03563661 0.69422093]]\n"), "%s", out);
    cr_expect(strstr(out, "print(p)\n[1.05414809 0.63071653 1.1328074 ]\n"), "%s", out);
    cr_expect(strstr(out, "np.argmax(p) = 2\n"), "%s", out);
    free(out);
}

/* The book printed W rounded to 8 decimals: each true entry is within 5e-9 of the printed
 * one, so each p_j = 0.6 W_0j + 0.9 W_1j within 1.5 * 5e-9 = 7.5e-9. The loss moves by
 * sum_j (y_j - t_j) dp_j, at most 2 (1 - y2) 7.5e-9 = 9.1e-9 (y2 = 0.3953). That is all the
 * rounding explains, yet our loss, 0.92806828578640754 (NumPy's too, for this W), is 2.5e-7
 * below the book's. The rest is cross_entropy_error's 1e-7: -log(y2 + 1e-7) is
 * -log(y2) - log1p(1e-7 / y2), and 1e-7 / y2 = 2.53e-7. The book's figure is -log(y2) without
 * it: our -log(y2), 0.92806853874823514, is 2.1e-9 from the book's, well inside 9.1e-9, while
 * no W in the rounding box brings the loss with the 1e-7 within 2.4e-7 of the book's. */
Test(ch04_simple_net, loss_matches_book_within_W_rounding)
{
    char *out = run_ok("ch04_simple_net", "");
    double loss, loss_without_delta;
    parse_numbers(after_line_start(out, "net.loss(x, t) = "), &loss, 1);
    parse_numbers(after_line_start(out, "# -np.log(softmax(p)[2]) = "), &loss_without_delta, 1);
    cr_expect(loss == 0.92806828578640754, "NumPy 1.24.2 gives 0.92806828578640754, got %.17g", loss);

    const double y2 = exp(-loss_without_delta), rounding = 2 * (1 - y2) * 1.5 * 5e-9;
    cr_expect_leq(rounding, 9.1e-9);
    cr_expect_leq(fabs(loss_without_delta - book_loss), rounding, "got %.17g, book %.17g",
                  loss_without_delta, book_loss);
    /* the same comparison through the loss we print: add back what the 1e-7 takes off */
    cr_expect_leq(fabs(loss + log1p(1e-7 / y2) - book_loss), rounding + 1e-15);
    cr_expect_gt(fabs(loss - book_loss), 20 * rounding, "the 1e-7 is what separates them");
    free(out);
}

/* dW = x_i (y_j - t_j) times y2 / (y2 + 1e-7) (the 1e-7 again: the book's dW is the gradient
 * without it, 2.53e-7 larger relatively). Compared after removing that factor, the tolerance
 * is the rounding of W (x_i |dy_j| <= 0.9 * 2 y_j (1 - y_j) * 7.5e-9 <= 3.4e-9), the 8-decimal
 * printing of both dW (5e-9 each) and the central difference's error (h^2/6 |f'''| <= 1.2e-10):
 * 1.35e-8. (Our dW is NumPy's to every printed digit.) */
Test(ch04_simple_net, dW_matches_book_within_W_rounding)
{
    char *out = run_ok("ch04_simple_net", "");
    cr_expect(strstr(out, "print(dW)\n[[ 0.21924757  0.14356243 -0.36281   ]\n"
                          " [ 0.32887136  0.21534364 -0.544215  ]]\n"), "NumPy's dW: %s", out);
    double dW[6], loss_without_delta;
    parse_numbers(after_line_start(out, "print(dW)\n"), dW, 6);
    parse_numbers(after_line_start(out, "# -np.log(softmax(p)[2]) = "), &loss_without_delta, 1);
    const double y2 = exp(-loss_without_delta), factor = (y2 + 1e-7) / y2;
    for (size_t k = 0; k < 6; k++)
        cr_expect_leq(fabs(dW[k] * factor - book_dW[k]), 3.4e-9 + 2 * 5e-9 + 1.2e-10,
                      "dW[%zu]: %.8f (x %.9f) against the book's %.8f", k, dW[k], factor, book_dW[k]);
    free(out);
}

/* np.random.seed(0); net = simpleNet() (W = np.random.randn(2, 3)): NumPy 1.24.2's printout. */
Test(ch04_simple_net, seed_0_matches_numpy)
{
    char *out = run_ok("ch04_simple_net", "--seed 0");
    const char *expected =
        "print(net.W)\n"
        "[[ 1.76405235  0.40015721  0.97873798]\n"
        " [ 2.2408932   1.86755799 -0.97727788]]\n"
        "x = np.array([0.6, 0.9])\n"
        "p = net.predict(x)\n"
        "print(p)\n"
        "[ 3.07523529  1.92089652 -0.2923073 ]\n"
        "np.argmax(p) = 0\n"
        "t = np.array([0, 0, 1])\n"
        "net.loss(x, t) = 3.6674507891066104\n"
        "f = lambda w: net.loss(x, t)\n"
        "dW = numerical_gradient(f, net.W)\n"
        "print(dW)\n"
        "[[ 0.44452826  0.14014461 -0.58467287]\n"
        " [ 0.66679239  0.21021692 -0.87700931]]\n";
    cr_expect_str_eq(out, expected);
    free(out);
}

/* --W and --seed give the same net when given the same W. */
Test(ch04_simple_net, W_option_gives_the_same_net_as_seed)
{
    char *seeded = run_ok("ch04_simple_net", "--seed 0");
    char *given = run_ok("ch04_simple_net", "--W 1.764052345967664,0.4001572083672233,"
                                            "0.9787379841057392,2.240893199201458,"
                                            "1.8675579901499675,-0.977277879876411");
    cr_expect_str_eq(given, seeded);
    free(seeded);
    free(given);
}

/* The printed dW against the analytic gradient of softmax cross entropy,
 * dL/dW_ij = x_i (y_j - t_j) y2 / (y2 + 1e-7), on random W (--seed 1..12; the exact W from
 * common/numpy/random.h, which the printed W must match to its 8 digits). Tolerance: dW's
 * 8 printed decimals (5e-9; entries are below 1 in size) and the central difference's
 * error (h^2/6 |f'''| <= 1.2e-10, |f'''| <= 0.9^3 / (6 sqrt 3)). */
Test(ch04_simple_net, numerical_gradient_matches_analytic_on_random_W)
{
    for (int seed = 1; seed <= 12; seed++) {
        char args[32];
        snprintf(args, sizeof args, "--seed %d", seed);
        char *out = run_ok("ch04_simple_net", args);
        double W_printed[6], dW[6];
        parse_numbers(after_line_start(out, "print(net.W)\n"), W_printed, 6);
        parse_numbers(after_line_start(out, "print(dW)\n"), dW, 6);

        Random r;
        random_seed(&r, (uint32_t)seed);
        Matrix x = matrix_from(1, 2, (const double[]){ 0.6, 0.9 }), W = matrix_new(2, 3),
               y = matrix_new(1, 3);
        random_randn_fill(&r, W.data, 6);
        for (size_t k = 0; k < 6; k++)
            cr_expect_leq(fabs(W.data[k] - W_printed[k]), 5e-9 * fmax(1.0, fabs(W.data[k])),
                          "seed %d: W[%zu] = %.17g printed %.8f", seed, k, W.data[k], W_printed[k]);
        matrix_dot(&y, &x, &W);
        softmax(&y, &y);
        const double t[3] = { 0, 0, 1 }, factor = y.data[2] / (y.data[2] + 1e-7);
        for (size_t i = 0; i < 2; i++)
            for (size_t j = 0; j < 3; j++) {
                const double analytic = x.data[i] * (y.data[j] - t[j]) * factor;
                cr_expect_leq(fabs(dW[i * 3 + j] - analytic), 5e-9 + 1.2e-10,
                              "seed %d, dW[%zu][%zu] = %.8f, analytic %.10f", seed, i, j,
                              dW[i * 3 + j], analytic);
            }
        matrix_free(&x), matrix_free(&W), matrix_free(&y);
        free(out);
    }
}

Test(ch04_simple_net, bad_W_is_a_one_line_error_naming_W)
{
    static const char *bad[] = {
        "--W 1,2,3,4,5",             /* five numbers */
        "--W 1,2,3,4,5,6,7",         /* seven */
        "--W 1,2,3,x,5,6",           /* not a number */
        "--W 1,2,3,4,5,6x",          /* trailing garbage */
        "--W 1,2,,4,5,6",            /* empty item */
        "--W ''",                    /* nothing */
        "--W 1,2,3,nan,5,6",         /* not finite */
        "--W 1,2,3,4,5,inf",
        "--W 1,2,3,4,5,1e999",
        "--W 1,2,3,4,5,6 --seed 0",  /* both */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        RunResult r = run_program("ch04_simple_net", bad[i]);
        cr_expect_eq(r.status, 1, "%s: exited %d", bad[i], r.status);
        cr_expect(strncmp(r.err, "ch04_simple_net: --W", 20) == 0, "%s: stderr %s", bad[i], r.err);
        cr_expect_eq(count_lines(r.err), 1, "%s: stderr %s", bad[i], r.err);
        cr_expect_str_empty(r.out, "%s: printed %s", bad[i], r.out);
        run_result_free(&r);
    }
}

Test(ch04_simple_net, bad_seed_is_a_one_line_error)
{
    static const char *bad[] = { "--seed -1", "--seed 4294967296", "--seed x", "--seed" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        RunResult r = run_program("ch04_simple_net", bad[i]);
        cr_expect_eq(r.status, 1, "%s: exited %d", bad[i], r.status);
        cr_expect(strstr(r.err, "--seed"), "%s: stderr %s", bad[i], r.err);
        cr_expect_eq(count_lines(r.err), 1, "%s: stderr %s", bad[i], r.err);
        run_result_free(&r);
    }
}

/* ---- both ----------------------------------------------------------------------------- */

Test(ch04, unknown_option_and_help)
{
    static const struct {
        const char *program, *options[3];
    } programs[] = {
        { "ch04_gradients", { "--seed N", "--data DIR", "--out DIR" } },
        { "ch04_simple_net", { "--W LIST", "--seed N", NULL } },
    };
    for (size_t i = 0; i < 2; i++) {
        RunResult r = run_program(programs[i].program, "--bogus");
        char want[128];
        snprintf(want, sizeof want, "%s: --bogus: unknown option (see --help)\n", programs[i].program);
        cr_expect_eq(r.status, 1);
        cr_expect_str_eq(r.err, want);
        cr_expect_str_empty(r.out);
        run_result_free(&r);

        r = run_program(programs[i].program, "--help");
        cr_expect_eq(r.status, 0, "%s --help exited %d", programs[i].program, r.status);
        for (size_t j = 0; j < 3 && programs[i].options[j]; j++)
            cr_expect(strstr(r.out, programs[i].options[j]), "%s --help lacks %s: %s",
                      programs[i].program, programs[i].options[j], r.out);
        run_result_free(&r);
    }
}
