# Shared look of the figures (loaded by every plots/fig*.gp as `load "style.gp"`, found
# through GNUPLOT_LIB=plots/); the scripts run in build/plots/, where the data files are.
set terminal pngcairo size 640,480 noenhanced font "sans,11"
set grid lc rgb "#dddddd"
set key top left box opaque
set border lw 1.2
