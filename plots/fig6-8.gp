# Figure 6-8: SGD, Momentum, AdaGrad and Adam on f(x, y) = x**2/20 + y**2 from (-7, 2),
# 30 steps each (book 6.1.7, optimizer_compare_naive.py); the contours are the ellipses
# f = 0.25, 1, 2, ..., 7, the '+' the minimum (0, 0). Data: ch06_optimizer_compare_naive.
load "../../plots/style.gp"
set terminal pngcairo size 900,760 noenhanced font "sans,10"
set output "fig6-8.png"
set multiplot layout 2,2 title "Figure 6-8  optimizers on f(x, y) = x^2/20 + y^2"
set xrange [-10:10]; set yrange [-10:10]
set xlabel "x"; set ylabel "y"
unset key
set parametric
set trange [0:2*pi]
set samples 200
array names[4] = ["SGD", "Momentum", "AdaGrad", "Adam"]
levels = "0.25 1 2 3 4 5 6 7"
do for [k=1:4] {
    set title names[k]
    plot for [c in levels] sqrt(20*c)*cos(t), sqrt(c)*sin(t) with lines lc rgb "#8888cc", \
         "ch06_optimizer_compare_naive.dat" using 2*k:2*k+1 with linespoints pt 7 ps 0.6 \
             lc rgb "red", \
         0, 0 with points pt 1 ps 2 lc rgb "black"
}
unset multiplot
