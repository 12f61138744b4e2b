# ch08_train_deepnet: where it stands in the book (make run runs chapters in this order) and the
# figures it draws (none). make run trains a few iterations of the book's schedule (seconds) and
# prints the full command with its projected time; FULL=1 runs the book's 20 epochs (hours on
# 2 cores: 70 minutes here) and saves our weights.
SECTION_ch08_train_deepnet := 08.01
FIGS_ch08_train_deepnet :=
RUNARGS_ch08_train_deepnet := --iters 5
FULLARGS_ch08_train_deepnet := --epochs 20 --save data/weights/deep_convnet.npz
