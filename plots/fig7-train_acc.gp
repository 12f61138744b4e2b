# SimpleConvNet's train and test accuracy per epoch, as ch07/train_convnet.py plots it
# (book 7.5; the book's text gives the result, about 99%, without this figure).
# Data: ch07_train_convnet (the first 1,000 training and test images at each epoch).
load "style.gp"
set output "fig7-train_acc.png"
set title "SimpleConvNet: train and test accuracy per epoch (train_convnet.py)"
set xlabel "epochs"; set ylabel "accuracy"
set yrange [0:1.0]
set key bottom right box opaque
plot "ch07_train_convnet_acc.dat" using 1:2 with linespoints lw 2 pt 7 ps 0.8 title "train", \
     "" using 1:3 with linespoints lw 2 dt 2 pt 5 ps 0.8 title "test"
