# ch04_simple_net: where it stands in the book (make run runs chapters in this order) and the
# figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch04_simple_net := 04.04
FIGS_ch04_simple_net := 
