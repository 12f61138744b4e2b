# Figure 6-18: train accuracy per epoch with Batch Normalization (solid) and without (dashed),
# initial weights of scale 0.2928644564625237 (the 4th of np.logspace(0, -4, 16))
# (book 6.3.2, batch_norm_test.py). Data: ch06_batch_norm_test.
load "../../plots/style.gp"
set output "fig6-18.png"
set title "Figure 6-18  Batch Normalization speeds learning up (W scale 0.29)"
set xlabel "epochs"; set ylabel "accuracy"
set yrange [0:1]
set key bottom right box opaque
plot "ch06_batch_norm_test.dat" using 3:($1 == 4 ? $5 : NaN) with linespoints pt 7 ps 0.7 lw 1.5 title "Batch Normalization", \
     "" using 3:($1 == 4 ? $4 : NaN) with linespoints pt 6 ps 0.7 lw 1.5 dt 2 title "Normal (without BatchNorm)"
