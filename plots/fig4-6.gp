# Figure 4-6: the graph of f(x) = 0.01x^2 + 0.1x (book 4.3.2). Data: ch04_gradients.
load "style.gp"
set output "fig4-6.png"
set title "Figure 4-6  f(x) = 0.01x^2 + 0.1x"
set xlabel "x"; set ylabel "f(x)"
set xrange [0:20]
plot "ch04_function_1.dat" using 1:2 with lines lw 2 title "function_1(x)"
