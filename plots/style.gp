# Shared look of the figures (loaded by every plots/fig*.gp); run from build/plots/.
set terminal pngcairo size 640,480 noenhanced font "sans,11"
set grid lc rgb "#dddddd"
set key top left box opaque
set border lw 1.2
