# ch06_optimizer_compare_mnist: where it stands in the book (make run runs chapters in this
# order) and the figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch06_optimizer_compare_mnist := 06.018
FIGS_ch06_optimizer_compare_mnist := fig6-9
RUNARGS_ch06_optimizer_compare_mnist := --iters 101
FULLARGS_ch06_optimizer_compare_mnist := --iters 2000
