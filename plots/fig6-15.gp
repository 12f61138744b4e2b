# Figure 6-15: MultiLayerNet(784, [100]*4, 10) with ReLU on MNIST, SGD(lr=0.01), for three
# initial weights: std 0.01, Xavier and He; the training loss per iteration, smoothed as the
# book's smooth_curve (book 6.2.4, weight_init_compare.py). Data: ch06_weight_init_compare.
load "../../plots/style.gp"
set output "fig6-15.png"
set title "Figure 6-15  initial weights on MNIST"
set xlabel "iterations"; set ylabel "loss"
set yrange [0:2.5]
set key top right box opaque
plot "ch06_weight_init_compare.dat" using 1:2 with lines lw 1.5 title "std=0.01", \
     "" using 1:3 with lines lw 1.5 title "Xavier", \
     "" using 1:4 with lines lw 1.5 title "He"
