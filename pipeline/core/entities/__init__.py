"""Entities stage: NER (natasha), normalization, gazetteer linking, variant matching, coreference."""

#: the stage name in rejects (an article whose analysis could not run)
STAGE = "entities"
