# ch02_gates: where it stands in the book (make run runs chapters in this order) and the
# figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch02_gates := 02.03
FIGS_ch02_gates := 
