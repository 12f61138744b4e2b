# ch05_layers: where it stands in the book (make run runs chapters in this order).
SECTION_ch05_layers := 05.05
FIGS_ch05_layers :=
