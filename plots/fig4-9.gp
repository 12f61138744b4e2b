# Figure 4-9: the gradient of f(x0, x1) = x0^2 + x1^2, drawn as the field of -grad (the
# direction that lowers f most), on x0 = x1 = np.arange(-2, 2.5, 0.25) (book 4.4, the
# book's gradient_2d.py quiver). Data: ch04_gradients.
load "style.gp"
set output "fig4-9.png"
set title "Figure 4-9  -grad of x0^2 + x1^2"
set xlabel "x0"; set ylabel "x1"
set xrange [-2:2]; set yrange [-2:2]
set size square
unset key
# Arrows keep their directions and relative lengths; 0.045 scales the longest (|grad| = 5.7
# at the corners) to about one grid step, as matplotlib's quiver autoscaling does.
s = 0.045
plot "ch04_gradient_field.dat" using 1:2:($3*s):($4*s) with vectors head filled size 0.05,20 \
     lw 1.2 lc rgb "#666666" notitle
