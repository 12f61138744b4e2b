# Figure 7-24: the first layer's 30 filters (5 x 5) before and after learning (book 7.6.1).
# Data: ch07_visualize_filter (x y value, each filter scaled to [0, 1], margins NaN).
load "style.gp"
set terminal pngcairo size 720,560 noenhanced font "sans,11"
set output "fig7-24.png"
set palette defined (0 "white", 1 "black")     # matplotlib's gray_r: large values dark
unset colorbox; unset key; unset border; unset tics; unset grid
set size ratio -1
set yrange [*:*] reverse
set multiplot layout 2,1 title "Figure 7-24  the first layer's filters: before (random) and after learning"
set title "before learning (random initial weights)"
plot "ch07_visualize_filter_before.dat" using 1:2:3 with image
set title "after learning"
if (system("test -f ch07_visualize_filter_after.dat && echo yes") eq "yes") {
    plot "ch07_visualize_filter_after.dat" using 1:2:3 with image
} else {
    set label 1 "no learned parameters: see chapters/ch07_visualize_filter/README.md" at 0,0 center
    set xrange [-1:1]; set yrange [-1:1]
    plot NaN notitle
}
unset multiplot
