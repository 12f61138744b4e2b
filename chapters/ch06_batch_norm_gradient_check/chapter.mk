# ch06_batch_norm_gradient_check: where it stands in the book (make run runs chapters in this
# order); it draws no figure.
SECTION_ch06_batch_norm_gradient_check := 06.033
