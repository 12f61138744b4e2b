# ch06_weight_init_activation_histogram: where it stands in the book (make run runs chapters
# in this order) and the figures it draws (plots/<fig>.gp, from the data it writes with --out).
SECTION_ch06_weight_init_activation_histogram := 06.022
FIGS_ch06_weight_init_activation_histogram := fig6-10 fig6-11 fig6-13 fig6-14
