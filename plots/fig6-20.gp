# Figure 6-20: MultiLayerNet(784, [100] * 6, 10) on 300 training images, SGD(lr=0.01),
# weight_decay_lambda = 0: train and test accuracy per epoch (book 6.4, overfit_weight_decay.py).
# Data: ch06_overfit_weight_decay.
load "../../plots/style.gp"
set output "fig6-20.png"
set title "Figure 6-20  overfitting: no weight decay"
set xlabel "epochs"; set ylabel "accuracy"
set yrange [0:1]
set key bottom right box opaque
plot "ch06_overfit_weight_decay_0.dat" using 1:2 with linespoints pt 7 ps 0.5 pi 10 lw 1.5 title "train", \
     "" using 1:3 with linespoints pt 5 ps 0.5 pi 10 lw 1.5 title "test"
