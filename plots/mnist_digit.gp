# The first MNIST test image (label 7), as the book's img_show draws it (book 3.6.1).
# Data: ch03_mnist writes mnist_digit.pgm, a binary PGM whose 13-byte header "P5\n28 28\n255\n"
# is skipped; the pixels follow, row by row, from the top.
load "style.gp"
set terminal pngcairo size 480,480 noenhanced font "sans,11"
set output "mnist_digit.png"
set title "MNIST test image 0 (label 7)"
set palette gray
unset colorbox
unset key
set size ratio -1
set xrange [-0.5:27.5]; set yrange [-0.5:27.5]
plot "mnist_digit.pgm" binary array=(28,28) skip=13 format="%uchar" flipy with image
