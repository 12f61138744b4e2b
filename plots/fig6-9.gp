# Figure 6-9: SGD, Momentum, AdaGrad and Adam training MultiLayerNet(784, [100]*4, 10) on
# MNIST, mini-batches of 128: the training loss per iteration, smoothed as the book's
# smooth_curve (book 6.1.8, optimizer_compare_mnist.py). Data: ch06_optimizer_compare_mnist.
load "../../plots/style.gp"
set output "fig6-9.png"
set title "Figure 6-9  optimizers on MNIST"
set xlabel "iterations"; set ylabel "loss"
set yrange [0:1]
set key top right box opaque
plot "ch06_optimizer_compare_mnist.dat" using 1:2 with lines lw 1.5 title "SGD", \
     "" using 1:3 with lines lw 1.5 title "Momentum", \
     "" using 1:4 with lines lw 1.5 title "AdaGrad", \
     "" using 1:5 with lines lw 1.5 title "Adam"
