# Figure 3-9: the ReLU function (book 3.2.7). Data: ch03_activations.
load "style.gp"
set output "fig3-9.png"
set title "Figure 3-9  ReLU function"
set xlabel "x"; set ylabel "y"
set yrange [-1:5.5]
plot "ch03_activations.dat" using 1:4 with lines lw 2 title "relu(x)"
