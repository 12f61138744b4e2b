# ch05_buy_apple: where it stands in the book (make run runs chapters in this order).
SECTION_ch05_buy_apple := 05.04
FIGS_ch05_buy_apple :=
