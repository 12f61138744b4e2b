# ch06_optimizer_compare_naive: where it stands in the book (make run runs chapters in this
# order) and the figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch06_optimizer_compare_naive := 06.017
FIGS_ch06_optimizer_compare_naive := fig6-8
