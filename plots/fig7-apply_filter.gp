# The first 16 learned filters applied to an MNIST digit (book 7.6.1, apply_filter.py, which
# uses lena_gray.png): the image, the filters, and each filter's response.
# Data: ch07_apply_filter (x y value, each panel scaled to [0, 1], margins NaN).
load "style.gp"
set terminal pngcairo size 960,360 noenhanced font "sans,11"
set output "fig7-apply_filter.png"
set palette defined (0 "white", 1 "black")     # matplotlib's gray_r, as the book's imshow
unset colorbox; unset key; unset border; unset tics; unset grid
set size ratio -1
set yrange [*:*] reverse
if (system("test -f ch07_apply_filter_out.dat && echo yes") ne "yes") {
    set label 1 "no learned parameters: see chapters/ch07_apply_filter/README.md" at 0,0 center
    set xrange [-1:1]; set yrange [-1:1]
    plot NaN notitle
    exit
}
set multiplot layout 1,3 title "The learned filters applied to an MNIST digit (apply_filter.py)"
set title "the image"
plot "ch07_apply_filter_image.dat" using 1:2:3 with image
set title "filters 0-15"
plot "ch07_apply_filter_filters.dat" using 1:2:3 with image
set title "their responses (convolution, b = 0)"
plot "ch07_apply_filter_out.dat" using 1:2:3 with image
unset multiplot
