# ch07_visualize_filter: where it stands in the book (make run runs chapters in this order)
# and the figure it draws.
SECTION_ch07_visualize_filter := 07.06.1
FIGS_ch07_visualize_filter := fig7-24
