# ch05_gradient_check: where it stands in the book (make run runs chapters in this order).
SECTION_ch05_gradient_check := 05.07
FIGS_ch05_gradient_check :=
