# Figure 6-24: the best 20 of the random trials of learning rate and weight decay, best first:
# validation accuracy (solid) and training accuracy (dashed) per epoch (book 6.5.3,
# hyperparameter_optimization.py); a short run fills only its first panels.
# Data: ch06_hyperparameter_optimization.
load "../../plots/style.gp"
set terminal pngcairo size 1100,800 noenhanced font "sans,9"
set output "fig6-24.png"
set multiplot layout 4,5 title "Figure 6-24  the best trials: validation (solid) and training (dashed) accuracy"
stats "ch06_hyperparameter_optimization.dat" nooutput
set yrange [0:1]
unset key
set format x ""
nbest = int((STATS_columns - 1) / 2)
do for [k=1:20] {
    set title sprintf("Best-%d", k)
    if (k % 5 == 1) { set format y "%g" } else { set format y "" }
    if (k <= nbest) {
        plot "ch06_hyperparameter_optimization.dat" using 1:2*k with lines lw 1.5 lc rgb "#1f77b4", \
             "" using 1:2*k+1 with lines lw 1.5 dt 2 lc rgb "#ff7f0e"
    } else {
        plot NaN notitle
    }
}
unset multiplot
