# Figure 4-12: the accuracy on the training and test data, once per epoch (book 4.5.3).
# Data: ch04_two_layer_net.
load "style.gp"
set output "fig4-12.png"
set title "Figure 4-12  train and test accuracy per epoch"
set xlabel "epochs"; set ylabel "accuracy"
set yrange [0:1.0]
set key bottom right box opaque
plot "ch04_two_layer_net_acc.dat" using 1:2 with linespoints lw 2 pt 7 ps 0.8 title "train acc", \
     "" using 1:3 with linespoints lw 2 dt 2 pt 5 ps 0.8 title "test acc"
