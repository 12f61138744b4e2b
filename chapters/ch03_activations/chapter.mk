# ch03_activations: where it stands in the book (make run runs chapters in this order) and the
# figures it draws (plots/<fig>.gp, from the data it writes with --out DIR).
SECTION_ch03_activations := 03.02
FIGS_ch03_activations := fig3-6 fig3-7 fig3-8 fig3-9
