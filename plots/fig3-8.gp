# Figure 3-8: step (dashed) and sigmoid (solid) together (book 3.2.5). Data: ch03_activations.
load "style.gp"
set output "fig3-8.png"
set title "Figure 3-8  step function and sigmoid"
set xlabel "x"; set ylabel "y"
set yrange [-0.1:1.1]
plot "ch03_activations.dat" using 1:3 with lines lw 2 title "sigmoid(x)", \
     "" using 1:2 with lines lw 2 dt 2 title "step_function(x)"
