# ch06_overfit_weight_decay: where it stands in the book (make run runs chapters in this
# order) and the figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch06_overfit_weight_decay := 06.042
FIGS_ch06_overfit_weight_decay := fig6-20 fig6-21
RUNARGS_ch06_overfit_weight_decay := --epochs 6
FULLARGS_ch06_overfit_weight_decay := --epochs 201
