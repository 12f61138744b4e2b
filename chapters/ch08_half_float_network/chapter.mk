# ch08_half_float_network: where it stands in the book (make run runs chapters in this order)
# and the figures it draws (none).
SECTION_ch08_half_float_network := 08.03
FIGS_ch08_half_float_network :=
