# Figure 4-10: gradient descent on f(x0, x1) = x0^2 + x1^2 from (-3, 4), lr = 0.1, 20 steps
# (book 4.4.1, gradient_method.py); dashed: the axes and the contours f = 1, 4, 9, 16, 25
# (circles of radius 1..5; the start point lies on the last). Data: ch04_gradients.
load "style.gp"
set output "fig4-10.png"
set title "Figure 4-10  gradient descent, lr = 0.1, 20 steps"
set xlabel "X0"; set ylabel "X1"
set xrange [-3.5:3.5]; set yrange [-4.5:4.5]
set size ratio -1
set key bottom right box opaque
set xzeroaxis lt 1 lc rgb "blue" dt 2
set yzeroaxis lt 1 lc rgb "blue" dt 2
set parametric
set trange [0:2*pi]
set samples 200
plot for [r=1:5] r*cos(t), r*sin(t) with lines dt 2 lc rgb "#7777cc" \
         title (r == 1 ? "contours of f" : ""), \
     "ch04_gradient_descent.dat" using 1:2 with points pt 7 ps 1 lc rgb "#1f77b4" \
         title "x_history"
