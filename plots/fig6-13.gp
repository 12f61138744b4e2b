# Figure 6-13: histograms of the activations of five sigmoid layers of 100 nodes, 1000 inputs,
# Xavier, w = randn * sqrt(1/100), sigmoid: activations spread out (book 6.2, weight_init_activation_histogram.py; plt.hist(a.flatten(), 30, range=(0,1))).
# Data: ch06_weight_init_activation_histogram.
load "../../plots/style.gp"
set terminal pngcairo size 1200,330 noenhanced font "sans,10"
set output "fig6-13.png"
set multiplot layout 1,5 title "Figure 6-13  Xavier, w = randn * sqrt(1/100), sigmoid: activations spread out"
set style fill solid 0.8 border rgb "#1f4f7f"
set boxwidth 1.0/30
set xrange [0:1]; set yrange [0:*]
set xtics 0.5
unset key
do for [i=1:5] {
    set title sprintf("%d-layer", i)
    if (i > 1) { set format y "" } else { set format y "%g" }
    plot "ch06_weight_init_xavier_sigmoid.dat" using 1:(column(i+1)) with boxes lc rgb "#1f77b4"
}
unset multiplot
