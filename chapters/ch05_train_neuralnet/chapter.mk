# ch05_train_neuralnet: where it stands in the book (make run runs chapters in this order) and
# the figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch05_train_neuralnet := 05.07
FIGS_ch05_train_neuralnet := fig5-acc
FULLARGS_ch05_train_neuralnet :=
