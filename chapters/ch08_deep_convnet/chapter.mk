# ch08_deep_convnet: where it stands in the book (make run runs chapters in this order) and the
# figures it draws (none).
SECTION_ch08_deep_convnet := 08.01
FIGS_ch08_deep_convnet :=
