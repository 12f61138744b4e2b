# Figure 3-6: the step function (book 3.2.3). Data: ch03_activations.
load "style.gp"
set output "fig3-6.png"
set title "Figure 3-6  step function"
set xlabel "x"; set ylabel "y"
set yrange [-0.1:1.1]
plot "ch03_activations.dat" using 1:2 with lines lw 2 title "step_function(x)"
