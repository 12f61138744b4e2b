# Figure 6-23: MultiLayerNetExtend(784, [100] * 6, 10) on 300 training images, the book's
# Trainer with SGD(lr=0.01): without Dropout (left) and with Dropout, dropout_ratio 0.2 (right);
# train and test accuracy per epoch (book 6.4.3, overfit_dropout.py). Data: ch06_overfit_dropout.
load "../../plots/style.gp"
set terminal pngcairo size 1000,420 noenhanced font "sans,11"
set output "fig6-23.png"
set multiplot layout 1,2 title "Figure 6-23  without Dropout (left) and with Dropout (right)"
set xlabel "epochs"; set ylabel "accuracy"
set yrange [0:1]
set key bottom right box opaque
set title "no Dropout"
plot "ch06_overfit_dropout_off.dat" using 1:2 with linespoints pt 7 ps 0.5 pi 10 lw 1.5 title "train", \
     "" using 1:3 with linespoints pt 5 ps 0.5 pi 10 lw 1.5 title "test"
set title "Dropout (dropout_ratio 0.2)"
plot "ch06_overfit_dropout_on.dat" using 1:2 with linespoints pt 7 ps 0.5 pi 10 lw 1.5 title "train", \
     "" using 1:3 with linespoints pt 5 ps 0.5 pi 10 lw 1.5 title "test"
unset multiplot
