#!/usr/bin/env bash
# Trains the entity tagger's three models (data/ner/{en,fr,ar}.model) from the annotated
# training splits in ../shared/bench/ner (never copied into the repository). Deterministic:
# fixed order, fixed seed. Each run prints the dev-split figures per epoch.
#
#   scripts/train_ner.sh [NER_DIR]        # default ../shared/bench/ner
#
# English: CoNLL-2003 eng.train (dev: eng.testa). French: CLEF-HIPE-2020 train (dev: the HIPE
# dev file). Arabic: ANERcorp has only its train part here; the trainer holds out its last
# sixth as the dev split and trains on the first five sixths.
set -euo pipefail
cd "$(dirname "$0")/.."
NER="${1:-../shared/bench/ner}"
cargo build --release -p sitrep-core --example train_ner
T=target/release/examples/train_ner
$T --lang en --epochs 10 --bits 20 --train "$NER/conll2003-en/eng.train.gz" \
   --dev "$NER/conll2003-en/eng.testa" --out data/ner/en.model
$T --lang fr --epochs 12 --bits 20 --train "$NER/hipe2020-fr/HIPE-data-v1.4-train-fr.tsv.gz" \
   --dev "$NER/hipe2020-fr/HIPE-data-v1.4-dev-fr.tsv" --out data/ner/fr.model
$T --lang ar --epochs 20 --bits 20 --train "$NER/anercorp-ar/ANERcorp-train-part.txt" \
   --holdout-last-sixth ${AR_DEV:+--write-dev "$AR_DEV"} --out data/ner/ar.model
