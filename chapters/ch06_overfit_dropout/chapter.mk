# ch06_overfit_dropout: where it stands in the book (make run runs chapters in this order) and
# the figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch06_overfit_dropout := 06.043
FIGS_ch06_overfit_dropout := fig6-23
RUNARGS_ch06_overfit_dropout := --epochs 6
FULLARGS_ch06_overfit_dropout := --epochs 301
