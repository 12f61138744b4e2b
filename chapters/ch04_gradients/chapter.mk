# ch04_gradients: where it stands in the book (make run runs chapters in this order) and the
# figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch04_gradients := 04.02
FIGS_ch04_gradients := fig4-6 fig4-7 fig4-9 fig4-10
