# Figure 6-14: histograms of the activations of five ReLU layers for three initial weights:
# std 0.01, Xavier sqrt(1/100) and He sqrt(2/100) (book 6.2.3, weight_init_activation_histogram.py
# with ReLU; the y axis cut at 7000 as the book's plt.ylim(0, 7000): the bar at 0 holds the
# half of the activations that ReLU sets to 0). Data: ch06_weight_init_activation_histogram.
load "../../plots/style.gp"
set terminal pngcairo size 1200,900 noenhanced font "sans,10"
set output "fig6-14.png"
set multiplot layout 3,5 title "Figure 6-14  ReLU: std 0.01 (top), Xavier (middle), He (bottom)"
set style fill solid 0.8 border rgb "#1f4f7f"
set boxwidth 1.0/30
set xrange [0:1]; set yrange [0:7000]
set xtics 0.5
unset key
array files[3] = ["std0.01_relu", "xavier_relu", "he_relu"]
array labels[3] = ["std=0.01", "Xavier", "He"]
do for [r=1:3] {
    do for [i=1:5] {
        set title sprintf("%s  %d-layer", labels[r], i)
        if (i > 1) { set format y "" } else { set format y "%g" }
        plot sprintf("ch06_weight_init_%s.dat", files[r]) using 1:(column(i+1)) with boxes lc rgb "#1f77b4"
    }
}
unset multiplot
