"""Train LeNet-5 variants on a GPU machine without TensorFlow (Keras 3 on the torch backend).

This is how the shipped data/lenet5_modern.weights.h5 was made (on a lent H100; its history
JSON records the machine). It calls the same cnn_course.train.lenet5.train as the CLI.
Prepare tools/gpu/mnist.npz (x_train, y_train, x_test, y_test as cnn_course.data.load_mnist()
returns them) and wheels of keras==3.15.1 and its pure-Python needs in tools/gpu/wheels; then
on the GPU machine, with $OUT set to an output folder:

    bash tools/gpu/run.sh modern::15:0        # variant:recipe:epochs:seed
"""
import json, os, sys, time
import numpy as np
os.environ.setdefault("KERAS_BACKEND", "torch")
sys.path.insert(0, os.getcwd())
from cnn_course.train.lenet5 import train
from cnn_course.shipped import save_history, machine_description
out = os.environ["OUT"]
d = np.load("tools/gpu/mnist.npz")
data = ((d["x_train"], d["y_train"]), (d["x_test"], d["y_test"]))
for spec in sys.argv[1:]:
    variant, recipe, epochs, seed = spec.split(":")
    model, history, meta = train(variant, recipe or None, epochs=int(epochs) if epochs else None, seed=int(seed or 0), data=data, verbose=2)
    import torch
    meta["machine"] = machine_description() + ", GPU: " + torch.cuda.get_device_name(0)
    meta["command"] = f"python -m cnn_course.train lenet5 --variant {variant}" + (f" --recipe {recipe}" if recipe else "") + (f" --epochs {epochs}" if epochs else "") + f" --seed {seed or 0}"
    key = "val_rbf_accuracy" if variant == "1998" else "val_accuracy"
    meta["test_accuracy"] = history[key][-1]
    stem = f"lenet5_{variant}" + (f"_{recipe}_s{seed}" if True else "")
    model.save_weights(f"{out}/{stem}.weights.h5")
    save_history(f"{out}/{stem}.history.json", f"lenet5_{variant}", history, meta)
    print("RESULT", spec, history[key][-1], meta["seconds"], flush=True)
