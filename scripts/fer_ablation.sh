#!/usr/bin/env bash
# The FER2013 ablation of issue 17: the recipe, the previous best, and the recipe without
# one trick each, one run after another on the same split (--split-seed 1), epochs and seed.
# Each run writes RUNS/NAME-report/run.json and submission.csv; a run whose report exists is
# skipped and one with a checkpoint resumes, so the script can be stopped and started again.
#
#   FER=path/to/fer2013 [RUNS=runs/fer] [FERN=.build/release/fern] scripts/fer_ablation.sh
#
# Then: scripts/fer_tables.py recipe=RUNS/recipeA-report/run.json baseline=RUNS/baseline-report/run.json ...
set -euo pipefail
: "${FER:?set FER to the folder with train.csv.gz and test.csv.gz}"
RUNS=${RUNS:-runs/fer}
FERN=$(realpath "${FERN:-.build/release/fern}")
FER=$(realpath "$FER")
mkdir -p "$RUNS" && cd "$RUNS"
export OMP_WAIT_POLICY=passive

run() {  # [MODEL=name] run NAME options...
    local name=$1; shift
    [ -f "$name-report/run.json" ] && return
    local resume=(); [ -f "$name.ckpt" ] && resume=(--resume)
    nice -n 10 "$FERN" train --model "${MODEL:-tuned-cnn}" --data "$FER/train.csv.gz" --test "$FER/test.csv.gz" \
        --checkpoint "$name.ckpt" "${resume[@]}" --output "$name" --report "$name-report" "$@" >> "$name.log" 2>&1
}

common=(--epochs 20 --seed 1 --no-class-weights)
recipe=(--optimizer sgd --learning-rate 0.05 --momentum 0.9 --nesterov --weight-decay 5e-4 --schedule one_cycle
        --flip --crop 4 --rotate 10 --zoom 0.1 --erasing 0.25 --label-smoothing 0.1 --ema 0.999)
run recipeA "${common[@]}" "${recipe[@]}"
# The previous best (Adam, cosine, flip/shift/rotate/zoom) on the same budget.
run baseline "${common[@]}" --optimizer adam --learning-rate 0.001 --schedule cosine --flip --shift 4 --rotate 10 --zoom 0.1
# The recipe without one trick each (a later option overrides the recipe's).
run no-ema "${common[@]}" "${recipe[@]}" --ema 0
run no-smoothing "${common[@]}" "${recipe[@]}" --label-smoothing 0
run no-erasing "${common[@]}" "${recipe[@]}" --erasing 0
run shift-not-crop "${common[@]}" "${recipe[@]}" --crop 0 --shift 4
run adam-cosine "${common[@]}" "${recipe[@]}" --optimizer adam --learning-rate 0.001 --momentum 0 --no-nesterov --weight-decay 0 --schedule cosine
# With mixup; then the other models with the recipe.
run mixup "${common[@]}" "${recipe[@]}" --mixup 0.2
MODEL=resnet run resnet "${common[@]}" "${recipe[@]}"
MODEL=vgg run vgg "${common[@]}" "${recipe[@]}"
