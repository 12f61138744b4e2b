# Figure 4-11: the training loss per iteration, all of them (left) and the first 1000
# (right) (book 4.5.3). Data: ch04_two_layer_net.
load "style.gp"
set terminal pngcairo size 1000,420 noenhanced font "sans,11"
set output "fig4-11.png"
set multiplot layout 1,2 title "Figure 4-11  loss function during training"
set xlabel "iteration"; set ylabel "loss"
set key top right box opaque
set yrange [0:*]
set xtics 2000
plot "ch04_two_layer_net_loss.dat" using 1:2 with lines lw 1 title "train loss"
set xrange [0:1000]; set xtics 200
plot "ch04_two_layer_net_loss.dat" using 1:2 with lines lw 1 title "train loss (first 1000)"
unset multiplot
