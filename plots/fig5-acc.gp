# Figure 5-acc: train and test accuracy per epoch of TwoLayerNet trained by backpropagation
# (book 5.7.4, train_neuralnet.py; the chapter-5 counterpart of figure 4-12).
# Data: ch05_train_neuralnet.
load "../../plots/style.gp"
set output "fig5-acc.png"
set title "TwoLayerNet (Affine, ReLU, Affine) by backpropagation: accuracy per epoch"
set xlabel "epochs"; set ylabel "accuracy"
set yrange [0:1.0]
set key bottom right box opaque
plot "ch05_train_neuralnet_acc.dat" using 1:2 with linespoints lw 2 pt 7 ps 0.8 title "train acc", \
     "" using 1:3 with linespoints lw 2 dt 2 pt 5 ps 0.8 title "test acc"
