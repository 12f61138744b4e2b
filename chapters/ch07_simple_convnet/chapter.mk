# ch07_simple_convnet: where it stands in the book (make run runs chapters in this order).
SECTION_ch07_simple_convnet := 07.05
