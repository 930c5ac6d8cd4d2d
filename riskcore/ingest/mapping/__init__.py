"""Which source header holds which canonical column, and which kind of file this is.

Headers are matched through a FR/EN synonym table after normalisation (accents, case,
spaces and punctuation removed), so `N° facture`, `No. Facture` and `NFACTURE` are one
name. A YAML mapping file or the Data page's corrections override what was guessed.

`kinds` holds the columns and synonyms of each kind, `keys` the normalisation, `headers` the
matching and kind detection, `files` the mapping file, `vocabulary` the words cells hold.
"""

from riskcore.ingest.mapping.files import MappingFile, load_mapping_file
from riskcore.ingest.mapping.headers import HeaderMatch, apply_overrides, best_guess, match_headers, resolve
from riskcore.ingest.mapping.keys import normalise, normalised
from riskcore.ingest.mapping.kinds import EXTRAS, KINDS, REQUIRED, columns, missing_required, synonyms
from riskcore.ingest.mapping.vocabulary import credit_note_mask, level_words, normalise_status, terms_text

__all__ = [
    "EXTRAS",
    "KINDS",
    "REQUIRED",
    "HeaderMatch",
    "MappingFile",
    "apply_overrides",
    "best_guess",
    "columns",
    "credit_note_mask",
    "level_words",
    "load_mapping_file",
    "match_headers",
    "missing_required",
    "normalise",
    "normalise_status",
    "normalised",
    "resolve",
    "synonyms",
    "terms_text",
]
