# ch07_train_convnet: where it stands in the book (make run runs chapters in this order), the
# figure it draws, a short run for make run, and the book's schedule for FULL=1.
SECTION_ch07_train_convnet := 07.05
FIGS_ch07_train_convnet := fig7-train_acc
RUNARGS_ch07_train_convnet := --epochs 5 --train-size 6000 --quiet
FULLARGS_ch07_train_convnet :=
