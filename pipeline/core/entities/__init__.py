"""Entities stage: NER (natasha), normalization, gazetteer linking, variant matching, coreference."""
