# Figure 4-7: tangents of function_1 at x = 5 (left) and x = 10 (right), their slopes
# from numerical_diff (book 4.3.2). Data: ch04_gradients.
load "style.gp"
set terminal pngcairo size 1000,420 noenhanced font "sans,11"
set output "fig4-7.png"
set xlabel "x"; set ylabel "f(x)"
set xrange [0:20]; set yrange [-1:6]
set multiplot layout 1,2 title "Figure 4-7  tangents at x = 5 and x = 10 (slopes from numerical_diff)"
set title "x = 5: slope 0.1999999999990898"
plot "ch04_function_1.dat" using 1:2 with lines lw 2 title "function_1(x)", \
     "" using 1:3 with lines lw 2 title "tangent at x = 5"
set title "x = 10: slope 0.2999999999986347"
plot "ch04_function_1.dat" using 1:2 with lines lw 2 title "function_1(x)", \
     "" using 1:4 with lines lw 2 title "tangent at x = 10"
unset multiplot
