# ch04_two_layer_net: where it stands in the book (make run runs chapters in this order) and the
# figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch04_two_layer_net := 04.05
FIGS_ch04_two_layer_net := fig4-11 fig4-12
