# ch08_misclassified_mnist: where it stands in the book (make run runs chapters in this order)
# and the figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch08_misclassified_mnist := 08.01
FIGS_ch08_misclassified_mnist := fig8-2
