#!/usr/bin/env bash
# The GPU checks in one go: the CUDA tests, then the speed and quality benchmarks on the GPU.
#
#     bash benchmarks/run_cuda.sh LOG_DIR [ORACLE_ARGS...]
#
# With COCO_SECONDS set, the Image COCO sweep runs last, with the options in
# COCO_ARGS (for example COCO_ARGS="--jobs 15 --run-seconds 400").
#
# Runs from the repository root without installing the package (PYTHONPATH);
# the benchmark data comes from SKLEARN_TEXTGAN_DATA. Logs and result files
# are written or copied into LOG_DIR. Each stage has its own time limit so that a slow
# stage cannot take the others' time. A stage that fails or runs out of time is
# named at the end, and the script then exits with status 1.
set -u -o pipefail
log_dir=${1:?usage: run_cuda.sh LOG_DIR [ORACLE_ARGS...]}
shift
mkdir -p "$log_dir"
log_dir=$(cd "$log_dir" && pwd)
failed=()
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1

python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name(0))"
timeout "${CUDA_TEST_SECONDS:-300}" python3 -m pytest tests/test_cuda.py -q -p no:cacheprovider \
    2>&1 | tee "$log_dir/test_cuda.log" | tail -n 15 || failed+=("CUDA tests (test_cuda.log)")

cd benchmarks || exit 1
timeout "${SPEED_SECONDS:-150}" python3 bench_adversarial_speed.py --device cuda --repeats 3 \
    2>&1 | tee "$log_dir/speed_cuda.log" || failed+=("speed (speed_cuda.log)")
cp results/adversarial_speed_cuda.json "$log_dir/" 2>/dev/null

OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    timeout "${ORACLE_SECONDS:-300}" python3 bench_oracle.py --device cuda --results-dir "$log_dir" "$@" \
    2>&1 | tee "$log_dir/oracle.log" | { grep -v "^epoch" || true; } || failed+=("oracle (oracle.log)")

if [ -n "${COCO_SECONDS:-}" ]; then
    # shellcheck disable=SC2086  # COCO_ARGS is a list of options
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
        timeout "$COCO_SECONDS" python3 bench_coco.py --device cuda --results-dir "$log_dir" ${COCO_ARGS:-} \
        2>&1 | tee "$log_dir/coco.log" | { grep -v "^epoch" || true; } || failed+=("COCO (coco.log)")
fi
if [ ${#failed[@]} -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
echo "all stages passed"
