set -e
python3 -m pip install -q --no-index --find-links tools/gpu/wheels --target /tmp/site keras==3.15.1 numpy 2>&1 | tail -2
export PYTHONPATH=/tmp/site KERAS_BACKEND=torch
python3 tools/gpu/train_lenet5_gpu.py "$@" 2>&1 | grep -v -E "^\s*$"
