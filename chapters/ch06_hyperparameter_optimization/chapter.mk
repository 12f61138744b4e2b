# ch06_hyperparameter_optimization: where it stands in the book (make run runs chapters in this
# order) and the figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch06_hyperparameter_optimization := 06.053
FIGS_ch06_hyperparameter_optimization := fig6-24
RUNARGS_ch06_hyperparameter_optimization := --trials 4 --epochs 10
FULLARGS_ch06_hyperparameter_optimization := --trials 100 --epochs 50
