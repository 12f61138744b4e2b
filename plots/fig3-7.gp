# Figure 3-7: the sigmoid function (book 3.2.4). Data: ch03_activations.
load "style.gp"
set output "fig3-7.png"
set title "Figure 3-7  sigmoid function"
set xlabel "x"; set ylabel "y"
set yrange [-0.1:1.1]
plot "ch03_activations.dat" using 1:3 with lines lw 2 title "sigmoid(x)"
