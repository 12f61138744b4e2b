# ch06_batch_norm_test: where it stands in the book (make run runs chapters in this order) and
# the figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch06_batch_norm_test := 06.032
FIGS_ch06_batch_norm_test := fig6-18 fig6-19
RUNARGS_ch06_batch_norm_test := --epochs 5 --trials 4
FULLARGS_ch06_batch_norm_test := --epochs 20 --trials 16
