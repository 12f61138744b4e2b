# ch03_matrix: where it stands in the book (make run runs chapters in this order) and the
# figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch03_matrix := 03.03
FIGS_ch03_matrix := 
