#!/bin/bash
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD KERAS_BACKEND=jax PYTHONUNBUFFERED=1 CNN_COURSE_CACHE=/tmp/cache JAX_COMPILATION_CACHE_DIR=/tmp/jaxcache
mkdir -p /tmp/data && tar -xzf .devdata/cifar10-jpg.tar.gz -C /tmp/data || exit 1
D=/tmp/data/cifar10-jpg; s=$(date +%s)
python3 -m cnn_course.train alexnet --epochs ${E1:-40} --time-budget ${B1:-150} --batch-size ${BS:-256} --data-dir $D --checkpoint-dir /tmp/ck1 --verbose 2 > $OUT/train_cifar.log 2>&1
cp data/alexnet_cifar.weights.h5 data/alexnet_cifar.history.json $OUT/; tail -n 6 $OUT/train_cifar.log; echo "t=$(( $(date +%s) - s ))"
python3 -m cnn_course.train alexnet --model literal --epochs ${E2:-20} --time-budget ${B2:-40} --batch-size ${BS:-256} --data-dir $D --checkpoint-dir /tmp/ck2 --verbose 2 > $OUT/train_literal.log 2>&1
cp data/alexnet_literal.history.json $OUT/; tail -n 4 $OUT/train_literal.log; echo "t=$(( $(date +%s) - s ))"
timeout ${B3:-40} python3 bench/bench_alexnet.py --steps 20 --repeats 2 --json $OUT/bench_gpu.json > $OUT/bench_gpu.log 2>&1; cat $OUT/bench_gpu.log; echo "t=$(( $(date +%s) - s ))"
