# ch06_weight_init_compare: where it stands in the book (make run runs chapters in this
# order) and the figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch06_weight_init_compare := 06.024
FIGS_ch06_weight_init_compare := fig6-15
RUNARGS_ch06_weight_init_compare := --iters 101
FULLARGS_ch06_weight_init_compare := --iters 2000
