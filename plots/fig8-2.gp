# Figure 8-2: the first 20 test images DeepConvNet misrecognizes (book 8.1.1,
# misclassified_mnist.py), in the book's 4 x 5 grid, each titled "label -> inference".
# Data: ch08_misclassified_mnist writes ch08_misclassified_mnist.pgm (the 20 digits stacked,
# a binary PGM 28 x 560 whose 14-byte header "P5\n28 560\n255\n" is skipped) and
# ch08_misclassified_mnist.dat (view, test index, label, inference; one row per digit shown).
load "style.gp"
set terminal pngcairo size 700,620 noenhanced font "sans,10"
set output "fig8-2.png"
# the titles first (stats honours the ranges set below); no rows when there were no weights
views = int(system("grep -cv '^#' ch08_misclassified_mnist.dat"))
array titles[views > 0 ? views : 1]
do for [k=1:views] {
    stats "ch08_misclassified_mnist.dat" every ::k-1::k-1 using 2 nooutput
    index = int(STATS_min)
    stats "ch08_misclassified_mnist.dat" every ::k-1::k-1 using 3 nooutput
    label = int(STATS_min)
    stats "ch08_misclassified_mnist.dat" every ::k-1::k-1 using 4 nooutput
    titles[k] = sprintf("#%d: %d -> %d", index, label, int(STATS_min))
}
set multiplot layout 4,5 title "Figure 8-2  misrecognized test images (label -> inference)"
set palette gray negative
unset colorbox
unset key
unset tics
unset border
unset grid
set size ratio -1
set xrange [-0.5:27.5]; set yrange [-0.5:27.5]
do for [k=1:views] {
    set title titles[k]
    plot "ch08_misclassified_mnist.pgm" binary array=(28,28) skip=(14 + 784*(k-1)) \
         format="%uchar" flipy with image
}
unset multiplot
if (views == 0) {
    reset
    set output "fig8-2.png"
    unset tics; unset border; unset key
    set title "Figure 8-2  misrecognized test images (label -> inference)"
    set label 1 "no trained DeepConvNet: see chapters/ch08_misclassified_mnist/README.md" \
        at graph 0.5, 0.5 center
    plot [0:1][0:1] 2 notitle
}
