# Figure 6-19: train accuracy per epoch with Batch Normalization (solid) and without (dashed)
# for the 16 initial weight scales np.logspace(0, -4, 16) (book 6.3.2, batch_norm_test.py);
# a short run fills only its first panels. Data: ch06_batch_norm_test.
load "../../plots/style.gp"
set terminal pngcairo size 1100,900 noenhanced font "sans,9"
set output "fig6-19.png"
set multiplot layout 4,4 title "Figure 6-19  with (solid) and without (dashed) Batch Normalization"
stats "ch06_batch_norm_test.dat" using 1 nooutput    # before set yrange: stats keeps to it
ntrials = int(STATS_max)
stats "ch06_batch_norm_test.dat" using 3 nooutput
set xrange [0:STATS_max]
set yrange [0:1]
unset key
array W[16]
do for [k=1:16] { W[k] = 10**(-4.0*(k-1)/15) }
do for [k=1:16] {
    set title sprintf("W:%.4g", W[k])
    if (k % 4 == 1) { set format y "%g"; set ylabel "accuracy" } else { set format y ""; unset ylabel }
    if (k > 12) { set format x "%g"; set xlabel "epochs" } else { set format x ""; unset xlabel }
    if (k <= ntrials) {
        plot "ch06_batch_norm_test.dat" using 3:($1 == k ? $5 : NaN) with lines lw 1.5 lc rgb "#1f77b4", \
             "" using 3:($1 == k ? $4 : NaN) with lines lw 1.5 dt 2 lc rgb "#ff7f0e"
    } else {
        plot NaN notitle
    }
}
unset multiplot
