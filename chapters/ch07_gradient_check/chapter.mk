# ch07_gradient_check: where it stands in the book (make run runs chapters in this order).
SECTION_ch07_gradient_check := 07.05
