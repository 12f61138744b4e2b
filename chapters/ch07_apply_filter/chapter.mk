# ch07_apply_filter: where it stands in the book (make run runs chapters in this order) and
# the figure it draws.
SECTION_ch07_apply_filter := 07.06.2
FIGS_ch07_apply_filter := fig7-apply_filter
